import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { Construct } from "constructs";
import { createdBy } from "../aws-context/index.js";

export interface QueueNotEmptyAlarmProps {
  /** The queue's physical name (its metrics' QueueName dimension); the alarm is `<queueName>-not-empty`. */
  readonly queueName: string;
  /** What a human reads: what is waiting there and what to do about it. */
  readonly description: string;
  /** Where the alarm and its recovery are sent (Alerts.topic). */
  readonly alerts: SnsTopic;
}

/**
 * An alarm as soon as a queue that should stay empty (a dead-letter queue, a failed-invocation queue) holds a
 * message, and again when it is empty. Missing data is not breaching: an idle queue sends no metrics.
 */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  props: QueueNotEmptyAlarmProps,
): CloudwatchMetricAlarm {
  const alarm = new CloudwatchMetricAlarm(scope, id, {
    alarmName: `${props.queueName}-not-empty`,
    alarmDescription: props.description,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: props.queueName },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [props.alerts.arn],
    okActions: [props.alerts.arn],
  });
  createdBy(queueNotEmptyAlarm, alarm);
  return alarm;
}
