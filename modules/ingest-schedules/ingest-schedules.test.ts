import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TracedFunction } from "../traced-function/index.js";
import { ingestSchedulesExample } from "./example.js";
import { INGEST_SCHEDULE_DEFAULTS, type ScheduledInvocation } from "./index.js";

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
};

function synthExample(): Json {
  const stack = new TerraformStack(Testing.app(), "test");
  ingestSchedulesExample(stack);
  return JSON.parse(Testing.synth(stack)) as Json;
}

/** The example's schedules (invoked once already) and its function. */
function build() {
  const stack = new TerraformStack(Testing.app(), "test");
  const schedules = ingestSchedulesExample(stack);
  const fn = stack.node.findChild("ingest-function");
  if (!(fn instanceof TracedFunction)) throw new Error("the example no longer builds ingest-function");
  return { schedules, fn };
}

const rates: ScheduledInvocation = {
  key: "rates",
  scheduleName: "t-rates",
  description: "d",
  scheduleExpression: "rate(1 hour)",
  input: { pipeline: "rates" },
};

describe("IngestSchedules", () => {
  it("keeps its resources at <id>-... in the caller's scope (Terraform addresses)", () => {
    const json = synthExample();
    expect(Object.keys(json.resource["aws_sqs_queue"] ?? {})).toContain("ingest-failures");
    expect(Object.keys(json.resource["aws_cloudwatch_metric_alarm"] ?? {})).toContain(
      "ingest-failures-alarm",
    );
    expect(Object.keys(json.resource["aws_iam_role"] ?? {})).toContain("ingest-scheduler-role");
    expect(Object.keys(json.resource["aws_scheduler_schedule"] ?? {})).toEqual(["ingest-schedule-rates"]);
    expect(Object.keys(json.data["aws_iam_policy_document"] ?? {})).toContain("ingest-scheduler-trust");
  });

  it("retries 3 times within an hour, then parks the event in an encrypted 14-day queue; the payload carries the scheduled time", () => {
    const json = synthExample();
    expect(json.resource["aws_scheduler_schedule"]?.["ingest-schedule-rates"]).toMatchObject({
      name: "event-lake-test-ingest-rates",
      schedule_expression: "rate(1 hour)",
      flexible_time_window: { mode: "OFF" },
      target: {
        arn: "${aws_lambda_function.ingest-function_612747C8.arn}",
        role_arn: "${aws_iam_role.ingest-scheduler-role.arn}",
        input: '{"pipeline":"rates","scheduledTime":"<aws.scheduler.scheduled-time>"}',
        retry_policy: { maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: "${aws_sqs_queue.ingest-failures.arn}" },
      },
    });
    expect(json.resource["aws_sqs_queue"]?.["ingest-failures"]).toEqual({
      name: "event-lake-test-ingest-failures",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1_209_600,
    });
    expect(INGEST_SCHEDULE_DEFAULTS).toEqual({
      maximumRetryAttempts: 3,
      maximumEventAgeInSeconds: 3600,
      failureRetentionSeconds: 1_209_600,
    });
  });

  it("lets only this account's scheduler assume the role, which may invoke the one function and send to the one queue", () => {
    const json = synthExample();
    const statements = (id: string) => json.data["aws_iam_policy_document"]?.[id]?.["statement"];
    expect(statements("ingest-scheduler-trust")).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "Service",
            identifiers: ["scheduler.${data.aws_partition.context_partition_B73F2326.dns_suffix}"],
          },
        ],
        condition: [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity_F28A218A.account_id}"],
          },
        ],
      },
    ]);
    expect(statements("ingest-scheduler-policy_document_8DED2220")).toEqual([
      {
        actions: ["lambda:InvokeFunction"],
        resources: ["${aws_lambda_function.ingest-function_612747C8.arn}"],
      },
      { actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.ingest-failures.arn}"] },
    ]);
  });

  it("names every problem at once: a second call, a name over 64 characters, a key given twice", () => {
    const { schedules, fn } = build();
    expect(() => schedules.invoke(fn.function, [rates, { ...rates, scheduleName: "n".repeat(65) }])).toThrow(
      `IngestSchedules "ingest": invoke was already called: pass every schedule in one call; schedule name "${"n".repeat(65)}" has 65 characters, at most 64; schedule key "rates" appears twice: keys name the schedules' construct ids`,
    );
  });
});
