import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { queueNotEmptyAlarm } from "../alerts/index.js";
import type { AwsContext, Grantee } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";
import {
  CONSUMER_DEFAULTS,
  type ConsumerProps,
  type EventFanoutProps,
  SNS_FILTER_POLICY_LIMITS,
} from "./event-fanout-props.js";

/** One consumer's queue and its dead-letter queue. */
export class ConsumerQueue extends Construct {
  readonly queue: SqsQueue;
  readonly dlq: SqsQueue;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  private readonly zone: ZoneBucket;

  constructor(
    scope: EventFanout,
    id: string,
    props: ConsumerProps & {
      context: AwsContext;
      topic: SnsTopic;
      zone: ZoneBucket;
      alerts: SnsTopic;
      redriveAllowPolicy: boolean;
    },
  ) {
    super(scope, id);
    validateConsumer(props);
    const aws = props.context;
    this.zone = props.zone;
    this.visibilityTimeoutSeconds =
      props.visibilityTimeoutSeconds ??
      props.consumerTimeoutSeconds * CONSUMER_DEFAULTS.visibilityToTimeoutRatio;
    this.maxReceiveCount = props.maxReceiveCount ?? CONSUMER_DEFAULTS.maxReceiveCount;
    const keyArn = props.zone.key?.arn;
    const dlqName = `${props.queueName}-dlq`;
    // Queue ARNs are built from names: a queue's own inline policy cannot reference the queue itself.
    const queueArn = aws.arn("sqs", props.queueName);

    // Build. Everything is inline on the queues (policy, redrive, redrive-allow): moto wipes a queue's policy
    // whenever another resource updates its attributes.
    this.dlq = new SqsQueue(this, "dlq", {
      name: dlqName,
      kmsMasterKeyId: keyArn,
      messageRetentionSeconds: props.dlqRetentionSeconds ?? CONSUMER_DEFAULTS.dlqRetentionSeconds,
      redriveAllowPolicy: props.redriveAllowPolicy
        ? Fn.jsonencode({ redrivePermission: "byQueue", sourceQueueArns: [queueArn] })
        : undefined,
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "TopicDelivers",
          principals: [{ type: "Service", identifiers: [aws.servicePrincipal("sns")] }],
          actions: ["sqs:SendMessage"],
          resources: [queueArn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [props.topic.arn] }],
        },
      ],
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      kmsMasterKeyId: keyArn,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.retentionSeconds ?? CONSUMER_DEFAULTS.retentionSeconds,
      receiveWaitTimeSeconds: 20,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.dlq.arn,
        maxReceiveCount: this.maxReceiveCount,
      }),
      policy: policy.json,
    });

    // Wire: raw delivery, so the body is the S3 event itself; a filter on the key when the consumer wants some
    // datasets only, or all but a reserved prefix.
    const keyFilter = keyFilterOf(props);
    new SnsTopicSubscription(this, "subscription", {
      topicArn: props.topic.arn,
      protocol: "sqs",
      endpoint: this.queue.arn,
      rawMessageDelivery: true,
      ...(keyFilter
        ? {
            filterPolicyScope: "MessageBody",
            filterPolicy: JSON.stringify({ Records: { s3: { object: { key: keyFilter } } } }),
          }
        : {}),
    });

    // Expose: alarms a human acts on (docs/operations.md says how).
    queueNotEmptyAlarm(this, "dlq-depth", {
      queueName: dlqName,
      description: `Messages ${props.queueName} could not process are waiting in ${dlqName}: inspect, fix, then redrive.`,
      alerts: props.alerts,
    });
    new CloudwatchMetricAlarm(this, "oldest-message-age", {
      alarmName: `${props.queueName}-falling-behind`,
      alarmDescription: `The oldest message in ${props.queueName} is older than ${props.maxMessageAgeSeconds ?? CONSUMER_DEFAULTS.maxMessageAgeSeconds} s: the consumer is failing or too slow.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: props.queueName },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: props.maxMessageAgeSeconds ?? CONSUMER_DEFAULTS.maxMessageAgeSeconds,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [props.alerts.arn],
      okActions: [props.alerts.arn],
    });
  }

  /** Receive and delete from this queue (and decrypt with the zone key). Scoped to this one queue's ARN. */
  grantConsume(grantee: Grantee): void {
    grantee.addStatements({
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
      ],
      resources: [this.queue.arn],
    });
    // Messages are encrypted with the zone key: the key policy admits this role, through SQS only.
    this.zone.grantKeyUse(grantee, ["kms:Decrypt"], "sqs");
  }
}

/**
 * A zone's object-created events, published once to an SNS topic and fanned out to one SQS queue per consumer.
 * The topic and queues are encrypted with the zone's key; the topic admits only that bucket, each queue only the
 * topic; every queue has a DLQ and alarms on DLQ depth and message age.
 */
export class EventFanout extends Construct {
  readonly topic: SnsTopic;
  readonly consumers: Record<string, ConsumerQueue> = {};
  private readonly props: EventFanoutProps;

  constructor(scope: Construct, id: string, props: EventFanoutProps) {
    super(scope, id);
    if (!props.zone.key)
      throw new Error(`EventFanout ${props.topicName}: the zone must have a KMS key (encryption: "kms")`);
    this.props = props;
    const aws = props.context;
    const bucket = props.zone.bucket;

    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: props.zone.key.arn });
    const topicPolicy = new DataAwsIamPolicyDocument(this, "topic-policy-document", {
      statement: [
        {
          sid: "ZoneBucketPublishes",
          principals: [{ type: "Service", identifiers: [aws.servicePrincipal("s3")] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [
            { test: "ArnLike", variable: "aws:SourceArn", values: [bucket.arn] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
          ],
        },
      ],
    });
    const policy = new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: topicPolicy.json,
    });
    // S3 encrypts what it publishes with the zone key; SNS re-encrypts into the queues with the same key.
    props.zone.allowServiceToUseKey("s3", ["kms:GenerateDataKey", "kms:Decrypt"], bucket.arn);
    // The topic's ARN from its name: the topic references the key, so the key policy cannot reference the topic.
    props.zone.allowServiceToUseKey(
      "sns",
      ["kms:GenerateDataKey", "kms:Decrypt"],
      aws.arn("sns", props.topicName),
    );
    new S3BucketNotification(this, "notification", {
      bucket: bucket.id,
      topic: [{ topicArn: this.topic.arn, events: ["s3:ObjectCreated:*"] }],
      // S3 sends a test event on setup and refuses the configuration if the topic policy does not admit it yet.
      dependsOn: [policy],
    });
  }

  /** A queue (with DLQ and alarms) for one consumer of this zone's events. */
  addConsumer(id: string, props: ConsumerProps): ConsumerQueue {
    if (this.consumers[id])
      throw new Error(`EventFanout ${this.props.topicName}: consumer "${id}" exists already`);
    const consumer = new ConsumerQueue(this, id, {
      ...props,
      context: this.props.context,
      topic: this.topic,
      zone: this.props.zone,
      alerts: this.props.alerts,
      redriveAllowPolicy: this.props.redriveAllowPolicy ?? true,
    });
    this.consumers[id] = consumer;
    return consumer;
  }
}

/** The values of the subscription's `Records.s3.object.key` filter, or none. */
function keyFilterOf(props: ConsumerProps): unknown[] | undefined {
  if (props.excludeKeyPrefix !== undefined) return [{ "anything-but": { prefix: props.excludeKeyPrefix } }];
  const prefixes = props.keyPrefixes ?? [];
  return prefixes.length > 0 ? prefixes.map((prefix) => ({ prefix })) : undefined;
}

/** Characters S3 leaves as they are in event keys (moto quote_plus-encodes the rest, `/` included). */
const UNENCODED_KEY = /^[A-Za-z0-9_.~-]+$/;

function validateConsumer(props: ConsumerProps): void {
  const problems: string[] = [];
  const timeout = props.consumerTimeoutSeconds;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
    problems.push(`consumerTimeoutSeconds must be 1-900, got ${timeout}`);
  const visibility = props.visibilityTimeoutSeconds;
  if (visibility !== undefined) {
    if (visibility > 43_200)
      problems.push(`visibilityTimeoutSeconds must be at most 43200, got ${visibility}`);
    if (visibility < timeout * CONSUMER_DEFAULTS.visibilityToTimeoutRatio)
      problems.push(
        `visibilityTimeoutSeconds ${visibility} is shorter than 6 x the consumer's timeout (${timeout * CONSUMER_DEFAULTS.visibilityToTimeoutRatio}): messages would be redelivered while still being processed`,
      );
  }
  const receives = props.maxReceiveCount;
  if (receives !== undefined && (!Number.isInteger(receives) || receives < 1 || receives > 1000))
    problems.push(`maxReceiveCount must be 1-1000, got ${receives}`);
  for (const prefix of props.keyPrefixes ?? [])
    if (prefix.length === 0 || prefix.startsWith("/"))
      problems.push(`keyPrefixes: "${prefix}" must be non-empty and not start with "/"`);
  const { maxCombinations, keyDepth } = SNS_FILTER_POLICY_LIMITS;
  const combinations = (props.keyPrefixes ?? []).length * keyDepth;
  if (combinations > maxCombinations)
    problems.push(
      `keyPrefixes: ${props.keyPrefixes?.length} prefixes make a filter policy of ${combinations} combinations (prefixes x ${keyDepth}, the depth of Records.s3.object.key); SNS allows at most ${maxCombinations}, so at most ${Math.floor(maxCombinations / keyDepth)} prefixes. Filter in the consumer, or pass excludeKeyPrefix (one value for any number of datasets)`,
    );
  const exclude = props.excludeKeyPrefix;
  if (exclude !== undefined) {
    if (!UNENCODED_KEY.test(exclude))
      problems.push(
        `excludeKeyPrefix: "${exclude}" must be letters, digits, _ . ~ or - (event keys encode every other character)`,
      );
    if (props.keyPrefixes !== undefined)
      problems.push("excludeKeyPrefix and keyPrefixes: pass one or the other, not both");
  }
  if (props.queueName.length > 76 || !/^[A-Za-z0-9_-]+$/.test(props.queueName))
    problems.push(
      `queueName "${props.queueName}" must be 1-76 letters, digits, - or _ (the DLQ adds "-dlq")`,
    );
  if (problems.length > 0) throw new Error(`EventFanout consumer ${props.queueName}: ${problems.join("; ")}`);
}
