import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { AwsContext } from "../aws-context/index.js";

export interface IngestSchedulesProps {
  readonly context: AwsContext;
  readonly names: {
    /** The queue where invocations that failed after every retry wait for a human. */
    readonly failureQueue: string;
    /** The role EventBridge Scheduler assumes to invoke the function. */
    readonly role: string;
  };
  /** Where the failure queue's alarm (a message waits) and its recovery are sent (Alerts.topic). */
  readonly alerts: SnsTopic;
}

/** One schedule of `IngestSchedules.invoke`. */
export interface ScheduledInvocation {
  /** Construct id suffix: the schedule is `<id>-schedule-<key>`. */
  readonly key: string;
  /** The schedule's physical name, at most 64 characters. */
  readonly scheduleName: string;
  readonly description: string;
  /** `rate(...)` or `cron(...)`. */
  readonly scheduleExpression: string;
  /** The event's fields; `scheduledTime` (the scheduled time, the run's id) is added after them. */
  readonly input: Readonly<Record<string, string>>;
}
