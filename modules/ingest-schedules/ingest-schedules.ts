import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { Construct } from "constructs";
import { queueNotEmptyAlarm } from "../alerts/index.js";
import { createdBy, serviceTrustStatement } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import type { IngestSchedulesProps, ScheduledInvocation } from "./ingest-schedules-props.js";

/** How a schedule invokes its function; pinned by modules/ingest-schedules/ingest-schedules.test.ts. */
export const INGEST_SCHEDULE_DEFAULTS = {
  /** Scheduler retries of one invocation, then the event goes to the failure queue. */
  maximumRetryAttempts: 3,
  maximumEventAgeInSeconds: 3600,
  /** Failed invocations stay 14 days, SQS's maximum. */
  failureRetentionSeconds: 1_209_600,
} as const;

/** EventBridge Scheduler's limit on a schedule's name. */
const SCHEDULE_NAME_LIMIT = 64;

/**
 * EventBridge Scheduler schedules that invoke one Lambda function, each with its own payload, and the queue where
 * the invocations that failed after every retry (the scheduler's, or Lambda's when the function is the
 * `onFailure` target) wait for a human, with an alarm as soon as one does. Build it first, give `failures` to the
 * function's `onFailure`, then `invoke(fn, schedules)`.
 *
 * It adds no level to the construct tree: its resources are `<id>-failures`, `<id>-failures-alarm`,
 * `<id>-scheduler-trust`, `<id>-scheduler-role`, `<id>-scheduler-policy` and `<id>-schedule-<key>` directly in
 * `scope`, the addresses the lake's ingest schedules had before this module existed.
 */
export class IngestSchedules {
  /** Failed invocations; encrypted with SQS-managed keys. */
  readonly failures: SqsQueue;
  private readonly scope: Construct;
  private readonly id: string;
  private readonly props: IngestSchedulesProps;
  private invoked = false;

  constructor(scope: Construct, id: string, props: IngestSchedulesProps) {
    this.scope = scope;
    this.id = id;
    this.props = props;
    this.failures = new SqsQueue(scope, `${id}-failures`, {
      name: props.names.failureQueue,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: INGEST_SCHEDULE_DEFAULTS.failureRetentionSeconds,
    });
    const alarm = queueNotEmptyAlarm(scope, `${id}-failures-alarm`, {
      queueName: props.names.failureQueue,
      description:
        "Scheduled pulls that failed after every retry wait in this queue: read the error, fix the source or the function, then re-run the pull.",
      alerts: props.alerts,
    });
    createdBy(IngestSchedules, this.failures, alarm);
  }

  /**
   * One schedule per invocation, all invoking `target` through one role (this account's scheduler only) allowed to
   * invoke that function and to send to `failures`. Call once. Returns the role.
   */
  invoke(target: LambdaFunction, invocations: readonly ScheduledInvocation[]): IamRole {
    const { scope, id, props } = this;
    const problems = [
      ...(this.invoked ? ["invoke was already called: pass every schedule in one call"] : []),
      ...invocations
        .filter((i) => i.scheduleName.length > SCHEDULE_NAME_LIMIT)
        .map(
          (i) =>
            `schedule name "${i.scheduleName}" has ${i.scheduleName.length} characters, at most ${SCHEDULE_NAME_LIMIT}`,
        ),
      ...invocations
        .filter((i, n) => invocations.findIndex((j) => j.key === i.key) !== n)
        .map((i) => `schedule key "${i.key}" appears twice: keys name the schedules' construct ids`),
    ];
    if (problems.length > 0) throw new Error(`IngestSchedules "${id}": ${problems.join("; ")}`);
    this.invoked = true;
    const trust = new DataAwsIamPolicyDocument(scope, `${id}-scheduler-trust`, {
      statement: [serviceTrustStatement(props.context, ["scheduler"])],
    });
    const role = new IamRole(scope, `${id}-scheduler-role`, {
      name: props.names.role,
      assumeRolePolicy: trust.json,
    });
    new RolePolicy(scope, `${id}-scheduler-policy`, { role }).addStatements(
      { actions: ["lambda:InvokeFunction"], resources: [target.arn] },
      { actions: ["sqs:SendMessage"], resources: [this.failures.arn] },
    );
    const schedules = invocations.map(
      (invocation) =>
        new SchedulerSchedule(scope, `${id}-schedule-${invocation.key}`, {
          name: invocation.scheduleName,
          description: invocation.description,
          scheduleExpression: invocation.scheduleExpression,
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: target.arn,
            roleArn: role.arn,
            // The scheduled time is the run id: a retried invocation writes the same object, never a second one.
            input: JSON.stringify({ ...invocation.input, scheduledTime: "<aws.scheduler.scheduled-time>" }),
            retryPolicy: {
              maximumRetryAttempts: INGEST_SCHEDULE_DEFAULTS.maximumRetryAttempts,
              maximumEventAgeInSeconds: INGEST_SCHEDULE_DEFAULTS.maximumEventAgeInSeconds,
            },
            deadLetterConfig: { arn: this.failures.arn },
          },
        }),
    );
    // The policy is a RolePolicy: it encloses its own resources.
    createdBy(IngestSchedules, trust, role, ...schedules);
    return role;
  }
}
