import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { CONSUMER_DEFAULTS, type ConsumerProps, EventFanout, SNS_FILTER_POLICY_LIMITS } from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;

function synth(
  consumer: Partial<ConsumerProps> = {},
  fanout: { redriveAllowPolicy?: boolean } = {},
  wire?: (events: EventFanout, stack: TerraformStack) => void,
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const zone = new ZoneBucket(stack, "zone", { context, zone: "drop", bucketName: "lake-drop-111111111111" });
  const alerts = new SnsTopic(stack, "alerts", { name: "alerts" });
  const events = new EventFanout(stack, "events", {
    context,
    zone,
    alerts,
    topicName: "lake-drop-events",
    ...fanout,
  });
  events.addConsumer("converter", {
    queueName: "lake-drop-to-raw",
    consumerTimeoutSeconds: 300,
    ...consumer,
  });
  wire?.(events, stack);
  const json = maskHashes(JSON.parse(Testing.synth(stack))) as { resource: Block; data: Block };
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = json[kind][type]?.[id];
    if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(json[kind][type] ?? {}).join(", ")}`);
    return found;
  };
  return { json, one, events };
}

describe("EventFanout secure defaults", () => {
  const { one, json } = synth();

  it("encrypts the topic with the zone key and admits only that bucket, from this account", () => {
    expect(one("resource", "aws_sns_topic", "events_topic")).toMatchObject({
      name: "lake-drop-events",
      kms_master_key_id: "${aws_kms_key.zone_key.arn}",
    });
    expect(one("data", "aws_iam_policy_document", "events_topic-policy-document")["statement"]).toEqual([
      {
        sid: "ZoneBucketPublishes",
        principals: [
          { type: "Service", identifiers: ["s3.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        actions: ["sns:Publish"],
        resources: ["${aws_sns_topic.events_topic.arn}"],
        condition: [
          { test: "ArnLike", variable: "aws:SourceArn", values: ["${aws_s3_bucket.zone_bucket.arn}"] },
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
        ],
      },
    ]);
  });

  it("notifies the topic on every object created, once the topic policy exists", () => {
    expect(one("resource", "aws_s3_bucket_notification", "events_notification")).toMatchObject({
      bucket: "${aws_s3_bucket.zone_bucket.id}",
      topic: [{ topic_arn: "${aws_sns_topic.events_topic.arn}", events: ["s3:ObjectCreated:*"] }],
      depends_on: ["aws_sns_topic_policy.events_topic-policy"],
    });
  });

  it("lets S3 and SNS use the zone key only for this bucket and this topic", () => {
    const statements = one("data", "aws_iam_policy_document", "zone_key-policy")["statement"] as Record<
      string,
      unknown
    >[];
    expect(statements.slice(1).map((s) => [s["sid"], s["condition"]])).toEqual([
      [
        "Services3",
        [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
          { test: "ArnLike", variable: "aws:SourceArn", values: ["${aws_s3_bucket.zone_bucket.arn}"] },
        ],
      ],
      [
        "Servicesns",
        [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
          {
            test: "ArnLike",
            variable: "aws:SourceArn",
            values: [
              "arn:${data.aws_partition.context_partition.partition}:sns:${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}:lake-drop-events",
            ],
          },
        ],
      ],
    ]);
  });

  it("gives the consumer an encrypted queue, 6x its timeout, with a DLQ after 5 receives and a policy admitting only the topic", () => {
    expect(one("resource", "aws_sqs_queue", "events_converter_queue")).toMatchObject({
      name: "lake-drop-to-raw",
      kms_master_key_id: "${aws_kms_key.zone_key.arn}",
      visibility_timeout_seconds: 1800,
      message_retention_seconds: 345600,
      redrive_policy:
        '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.events_converter_dlq.arn, "maxReceiveCount" = 5})}',
      policy: "${data.aws_iam_policy_document.events_converter_policy.json}",
    });
    expect(one("data", "aws_iam_policy_document", "events_converter_policy")["statement"]).toEqual([
      {
        sid: "TopicDelivers",
        principals: [
          { type: "Service", identifiers: ["sns.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        actions: ["sqs:SendMessage"],
        resources: [
          "arn:${data.aws_partition.context_partition.partition}:sqs:${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}:lake-drop-to-raw",
        ],
        condition: [
          { test: "ArnEquals", variable: "aws:SourceArn", values: ["${aws_sns_topic.events_topic.arn}"] },
        ],
      },
    ]);
  });

  it("keeps dead letters 14 days, encrypted, redrivable only from their own queue", () => {
    expect(one("resource", "aws_sqs_queue", "events_converter_dlq")).toMatchObject({
      name: "lake-drop-to-raw-dlq",
      kms_master_key_id: "${aws_kms_key.zone_key.arn}",
      message_retention_seconds: 1209600,
      redrive_allow_policy:
        '${jsonencode({"redrivePermission" = "byQueue", "sourceQueueArns" = ["arn:${data.aws_partition.context_partition.partition}:sqs:${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}:lake-drop-to-raw"]})}',
    });
  });

  it("subscribes the queue with raw delivery and no filter by default", () => {
    const subscription = one("resource", "aws_sns_topic_subscription", "events_converter_subscription");
    expect(subscription).toMatchObject({
      protocol: "sqs",
      raw_message_delivery: true,
      endpoint: "${aws_sqs_queue.events_converter_queue.arn}",
    });
    expect(subscription["filter_policy"]).toBeUndefined();
  });

  it("alarms to the alerts topic when the DLQ holds anything or the oldest message is older than 15 minutes", () => {
    const alarms = json.resource["aws_cloudwatch_metric_alarm"] ?? {};
    expect(alarms["events_converter_dlq-depth"]).toMatchObject({
      alarm_name: "lake-drop-to-raw-dlq-not-empty",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "lake-drop-to-raw-dlq" },
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      alarm_actions: ["${aws_sns_topic.alerts.arn}"],
    });
    expect(alarms["events_converter_oldest-message-age"]).toMatchObject({
      alarm_name: "lake-drop-to-raw-falling-behind",
      metric_name: "ApproximateAgeOfOldestMessage",
      threshold: 900,
      alarm_actions: ["${aws_sns_topic.alerts.arn}"],
    });
  });

  it("documents its defaults", () => {
    expect(CONSUMER_DEFAULTS).toEqual({
      visibilityToTimeoutRatio: 6,
      maxReceiveCount: 5,
      retentionSeconds: 345_600,
      dlqRetentionSeconds: 1_209_600,
      maxMessageAgeSeconds: 900,
    });
  });
});

describe("EventFanout options", () => {
  it("filters a consumer to some datasets by key prefix on the message body", () => {
    const { one } = synth({ keyPrefixes: ["orders/", "clickstream/"] });
    const subscription = one("resource", "aws_sns_topic_subscription", "events_converter_subscription");

    expect(subscription["filter_policy_scope"]).toBe("MessageBody");
    expect(JSON.parse(subscription["filter_policy"] as string)).toEqual({
      Records: { s3: { object: { key: [{ prefix: "orders/" }, { prefix: "clickstream/" }] } } },
    });
  });

  it("excludes one reserved prefix with a single anything-but value", () => {
    const { one } = synth({ excludeKeyPrefix: "_" });
    const subscription = one("resource", "aws_sns_topic_subscription", "events_converter_subscription");

    expect(subscription["filter_policy_scope"]).toBe("MessageBody");
    expect(JSON.parse(subscription["filter_policy"] as string)).toEqual({
      Records: { s3: { object: { key: [{ "anything-but": { prefix: "_" } }] } } },
    });
  });

  it("takes 37 key prefixes, SNS's most (37 x depth 4 = 148 of 150 combinations)", () => {
    const prefixes = Array.from({ length: 37 }, (_, i) => `p${i}/`);
    const { one } = synth({ keyPrefixes: prefixes });
    const filter = JSON.parse(
      one("resource", "aws_sns_topic_subscription", "events_converter_subscription")[
        "filter_policy"
      ] as string,
    ) as { Records: { s3: { object: { key: unknown[] } } } };

    expect(filter.Records.s3.object.key).toHaveLength(37);
    expect(SNS_FILTER_POLICY_LIMITS).toEqual({ maxCombinations: 150, keyDepth: 4 });
  });

  it("leaves the redrive-allow policy out only when told to (the local-compatibility layer)", () => {
    expect(
      synth({}, { redriveAllowPolicy: false }).one("resource", "aws_sqs_queue", "events_converter_dlq")[
        "redrive_allow_policy"
      ],
    ).toBeUndefined();
  });

  it("grants a consumer receive/delete on its one queue and decrypt with the zone key", () => {
    const { one } = synth({}, {}, (events, stack) => {
      const role = new IamRole(stack, "role", { name: "consumer", assumeRolePolicy: "{}" });
      events.consumers["converter"]?.grantConsume(new RolePolicy(stack, "role-policy", { role }));
    });

    expect(one("data", "aws_iam_policy_document", "role-policy_document")["statement"]).toEqual([
      {
        actions: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:ChangeMessageVisibility",
        ],
        resources: ["${aws_sqs_queue.events_converter_queue.arn}"],
      },
      { actions: ["kms:Decrypt"], resources: ["${aws_kms_key.zone_key.arn}"] },
    ]);
    const keyPolicy = one("data", "aws_iam_policy_document", "zone_key-policy")["statement"] as Record<
      string,
      unknown
    >[];
    expect(keyPolicy.at(-1)).toMatchObject({
      principals: [{ type: "AWS", identifiers: ["${aws_iam_role.role.arn}"] }],
      actions: ["kms:Decrypt"],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            "sqs.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
    });
  });
});

describe("EventFanout rejects invalid consumers, naming each problem", () => {
  it.each([
    [
      { visibilityTimeoutSeconds: 1799 },
      "visibilityTimeoutSeconds 1799 is shorter than 6 x the consumer's timeout (1800): messages would be redelivered while still being processed",
    ],
    [{ consumerTimeoutSeconds: 0 }, "consumerTimeoutSeconds must be 1-900, got 0"],
    [{ maxReceiveCount: 0 }, "maxReceiveCount must be 1-1000, got 0"],
    [{ keyPrefixes: ["/orders"] }, 'keyPrefixes: "/orders" must be non-empty and not start with "/"'],
    [
      { keyPrefixes: Array.from({ length: 38 }, (_, i) => `p${i}/`) },
      "keyPrefixes: 38 prefixes make a filter policy of 152 combinations (prefixes x 4, the depth of Records.s3.object.key); SNS allows at most 150, so at most 37 prefixes. Filter in the consumer, or pass excludeKeyPrefix (one value for any number of datasets)",
    ],
    [
      { excludeKeyPrefix: "_tmp/" },
      'excludeKeyPrefix: "_tmp/" must be letters, digits, _ . ~ or - (event keys encode every other character)',
    ],
    [
      { excludeKeyPrefix: "_", keyPrefixes: ["orders/"] },
      "excludeKeyPrefix and keyPrefixes: pass one or the other, not both",
    ],
    [
      { queueName: "bad name" },
      'queueName "bad name" must be 1-76 letters, digits, - or _ (the DLQ adds "-dlq")',
    ],
  ] as [Partial<ConsumerProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it("refuses a second consumer with the same id", () => {
    const { events } = synth();
    expect(() => events.addConsumer("converter", { queueName: "other", consumerTimeoutSeconds: 10 })).toThrow(
      'EventFanout lake-drop-events: consumer "converter" exists already',
    );
  });
});
