import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { extensionOf, ingestDateInKey, pipelineOf } from "../../handlers/drop-to-raw/paths.js";
import { definePipeline, type PipelineDeclaration } from "../../src/core/pipeline.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { pipelineProblems } from "../../src/pipelines/validate.js";
import { MODULE_RULES } from "../../src/policy/rules/index.js";
import { deliveredDataset } from "../../src/stacks/pipeline-props.js";
import { StackIndex, type TerraformJson } from "../../src/terraform/json.js";
import { PolicyEvaluator } from "../../src/testing/policy-evaluator.js";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import {
  BUFFER_LIMITS,
  DELIVERY_STREAM_DEFAULTS,
  DeliveryStream,
  type DeliveryStreamProps,
  PUT_ACTIONS,
} from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

const clicks = definePipeline({ ...clickstream, name: "clicks", source: { kind: "stream" } });
const names = { stream: "event-lake-test-stream-clicks", role: "event-lake-test-stream-clicks-delivery" };
const drop = "${aws_s3_bucket.zone-drop_bucket.arn}";
const streamArn = "${aws_kinesis_firehose_delivery_stream.stream-clicks_stream.arn}";

/** A drop zone and the stream of `clicks` into it; `extra` adds more to the same stack before synth. */
function build(
  {
    pipeline = clicks,
    ...overrides
  }: Partial<DeliveryStreamProps> & {
    /** Mapped to the stream's props as the ingest stack does. @default clicks */
    pipeline?: PipelineDeclaration;
  } = {},
  extra?: (stack: TerraformStack, stream: DeliveryStream, context: AwsContext) => void,
): { json: Json; stream: DeliveryStream } {
  const stack = new TerraformStack(Testing.app(), "delivery-stream");
  const context = new AwsContext(stack, "context");
  const zone = new ZoneBucket(stack, "zone-drop", {
    context,
    zone: "drop",
    bucketName: "event-lake-test-drop-111111111111",
  });
  const stream = new DeliveryStream(stack, "stream-clicks", {
    context,
    names,
    ...deliveredDataset(pipeline),
    zone,
    ...overrides,
  });
  extra?.(stack, stream, context);
  return { json: maskHashes(JSON.parse(Testing.synth(stack)) as Json), stream };
}
const at = (json: Json, type: string, id: string) => json.resource[type]?.[id] as Record<string, unknown>;
const doc = (json: Json, id: string) =>
  json.data["aws_iam_policy_document"]?.[id] as { statement: Record<string, unknown>[] };
const s3Config = (json: Json) =>
  at(json, "aws_kinesis_firehose_delivery_stream", "stream-clicks_stream")[
    "extended_s3_configuration"
  ] as Record<string, unknown>;
const evaluator = (json: Json) =>
  new PolicyEvaluator(json, { partition: "aws", region: "eu-west-1", account: "111111111111" });

/** A producer role, as the lake stack makes one per stream pipeline, with `grantPut` on the stream. */
function producer(stack: TerraformStack, stream: DeliveryStream, context: AwsContext): void {
  const trust = new DataAwsIamPolicyDocument(stack, "producer-trust", {
    statement: [
      { actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [context.rootArn] }] },
    ],
  });
  const role = new IamRole(stack, "producer-clicks", { name: "producer", assumeRolePolicy: trust.json });
  stream.grantPut(new RolePolicy(stack, "producer-clicks-policy", { role }));
}

describe("DeliveryStream: secure defaults", () => {
  const { json } = build();

  it("is a Direct PUT stream into S3, encrypted with its own rotating key", () => {
    expect(at(json, "aws_kinesis_firehose_delivery_stream", "stream-clicks_stream")).toMatchObject({
      name: "event-lake-test-stream-clicks",
      destination: "extended_s3",
      server_side_encryption: {
        enabled: true,
        key_type: "CUSTOMER_MANAGED_CMK",
        key_arn: "${aws_kms_key.stream-clicks_key.arn}",
      },
    });
    expect(
      at(json, "aws_kinesis_firehose_delivery_stream", "stream-clicks_stream")[
        "kinesis_source_configuration"
      ],
    ).toBeUndefined();
    expect(at(json, "aws_kms_key", "stream-clicks_key")).toMatchObject({
      description: "event-lake Firehose stream event-lake-test-stream-clicks",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(at(json, "aws_kms_alias", "stream-clicks_key-alias")).toMatchObject({
      name: "alias/event-lake-test-stream-clicks",
      target_key_id: "${aws_kms_key.stream-clicks_key.key_id}",
    });
  });

  it("lands gzip objects under <pipeline>/ingest_date=YYYY-MM-DD/ (UTC), named .ndjson.gz, with the zone's key", () => {
    expect(s3Config(json)).toEqual({
      role_arn: "${aws_iam_role.stream-clicks_role.arn}",
      bucket_arn: drop,
      prefix: "clicks/ingest_date=!{timestamp:yyyy-MM-dd}/",
      error_output_prefix:
        "_firehose-errors/clicks/!{firehose:error-output-type}/ingest_date=!{timestamp:yyyy-MM-dd}/",
      custom_time_zone: "UTC",
      buffering_interval: 300,
      buffering_size: 64,
      compression_format: "GZIP",
      file_extension: ".ndjson.gz",
      kms_key_arn: "${aws_kms_key.zone-drop_key.arn}",
      s3_backup_mode: "Disabled",
      cloudwatch_logging_options: {
        enabled: true,
        log_group_name: "${aws_cloudwatch_log_group.stream-clicks_log-group.name}",
        log_stream_name: "${aws_cloudwatch_log_stream.stream-clicks_log-stream.name}",
      },
    });
  });

  it("keys objects the way drop-to-raw reads a pushed file: pipeline first, the ingest date a segment", () => {
    // Firehose evaluates the timestamp in the prefix, then names the object <stream>-<version>-<time>-<id><extension>.
    const object = "event-lake-test-stream-clicks-1-2026-11-05-10-00-00-0b1c";
    const key = `${String(s3Config(json)["prefix"]).replace("!{timestamp:yyyy-MM-dd}", "2026-11-05")}${object}.ndjson.gz`;
    expect(key).toBe(`clicks/ingest_date=2026-11-05/${object}.ndjson.gz`);
    expect(pipelineOf(key)).toBe("clicks");
    expect(ingestDateInKey(key)).toBe("2026-11-05");
    expect(extensionOf(key)).toBe(".ndjson.gz");
  });

  it("sends failed deliveries outside every pipeline's prefix, which drop-to-raw quarantines whole", () => {
    const prefix = String(s3Config(json)["error_output_prefix"]);
    const key = `${prefix.replace("!{firehose:error-output-type}", "processing-failed").replace("!{timestamp:yyyy-MM-dd}", "2026-11-05")}x.ndjson.gz`;
    expect(key).toBe("_firehose-errors/clicks/processing-failed/ingest_date=2026-11-05/x.ndjson.gz");
    // No declared pipeline can be named so: names are lower-case snake_case starting with a letter.
    expect(pipelineOf(key)).toBe("_firehose-errors");
    expect(pipelineProblems({ ...clicks, name: "_firehose-errors" })).toContain(
      'pipeline "_firehose-errors": name: "_firehose-errors" must be lower-case snake_case, 2-41 characters',
    );
  });

  it("logs delivery errors to its own encrypted log group, kept 30 days, and the stream Firehose writes to", () => {
    expect(at(json, "aws_cloudwatch_log_group", "stream-clicks_log-group")).toMatchObject({
      name: "/aws/kinesisfirehose/event-lake-test-stream-clicks",
      retention_in_days: 30,
      kms_key_id: "${aws_kms_key.stream-clicks_key.arn}",
    });
    expect(at(json, "aws_cloudwatch_log_stream", "stream-clicks_log-stream")).toMatchObject({
      name: "DestinationDelivery",
      log_group_name: "${aws_cloudwatch_log_group.stream-clicks_log-group.name}",
    });
  });

  it("lets CloudWatch Logs use the key for this log group only; nobody else but the account's administration", () => {
    const statements = doc(json, "stream-clicks_key-policy").statement;
    expect(statements.map((s) => s["sid"])).toEqual([
      "KeyAdministrationByAccount",
      "CloudWatchLogsEncryptDeliveryErrors",
    ]);
    expect(statements[1]).toEqual({
      sid: "CloudWatchLogsEncryptDeliveryErrors",
      principals: [
        {
          type: "Service",
          identifiers: [
            "logs.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      resources: ["*"],
      condition: [
        {
          test: "ArnEquals",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [
            "arn:${data.aws_partition.context_partition.partition}:logs:${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}:log-group:/aws/kinesisfirehose/event-lake-test-stream-clicks",
          ],
        },
      ],
    });
  });

  it("has a delivery role only Firehose of this account may assume", () => {
    expect(at(json, "aws_iam_role", "stream-clicks_role")).toMatchObject({
      name: "event-lake-test-stream-clicks-delivery",
      assume_role_policy: "${data.aws_iam_policy_document.stream-clicks_trust.json}",
    });
    expect(doc(json, "stream-clicks_trust").statement).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          { type: "Service", identifiers: ["firehose.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        condition: [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
        ],
      },
    ]);
  });

  it("lets the delivery role write under its two prefixes only, and put events in its log stream only", () => {
    const role = evaluator(json);
    const allows = (action: string, resource: string) =>
      role.allows("stream-clicks_role", { action, resource });
    expect(allows("s3:PutObject", `${drop}/clicks/ingest_date=2026-11-05/x.ndjson.gz`)).toBe(true);
    expect(allows("s3:AbortMultipartUpload", `${drop}/clicks/ingest_date=2026-11-05/x.ndjson.gz`)).toBe(true);
    expect(allows("s3:PutObject", `${drop}/_firehose-errors/clicks/processing-failed/x.gz`)).toBe(true);
    expect(allows("s3:PutObject", `${drop}/orders/ingest_date=2026-11-05/x.csv`)).toBe(false);
    expect(allows("s3:PutObject", `${drop}/_firehose-errors/orders/x.gz`)).toBe(false);
    expect(allows("s3:PutObject", `${drop}/clicksx/x.gz`)).toBe(false);
    expect(allows("s3:GetObject", `${drop}/clicks/ingest_date=2026-11-05/x.ndjson.gz`)).toBe(false);
    expect(allows("s3:DeleteObject", `${drop}/clicks/ingest_date=2026-11-05/x.ndjson.gz`)).toBe(false);
    expect(allows("s3:ListBucket", drop)).toBe(false);
    expect(allows("kms:GenerateDataKey", "${aws_kms_key.zone-drop_key.arn}")).toBe(true);
    expect(allows("kms:GenerateDataKey", "${aws_kms_key.stream-clicks_key.arn}")).toBe(false);
    const group = "${aws_cloudwatch_log_group.stream-clicks_log-group.arn}";
    const logStream = "${aws_cloudwatch_log_stream.stream-clicks_log-stream.name}";
    expect(allows("logs:PutLogEvents", `${group}:log-stream:${logStream}`)).toBe(true);
    expect(allows("logs:PutLogEvents", `${group}:log-stream:other`)).toBe(false);
    expect(allows("logs:CreateLogGroup", group)).toBe(false);
    expect(allows("firehose:PutRecord", streamArn)).toBe(false);
  });

  it("admits the delivery role to the zone's key through S3 only", () => {
    const statements = doc(json, "zone-drop_key-policy").statement;
    expect(statements.find((s) => JSON.stringify(s["principals"]).includes("stream-clicks_role"))).toEqual({
      sid: "Use1drop",
      principals: [{ type: "AWS", identifiers: ["${aws_iam_role.stream-clicks_role.arn}"] }],
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["*"],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            "s3.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
    });
  });

  it("passes the rule pack on every resource it builds", () => {
    const index = new StackIndex("delivery-stream", json as unknown as TerraformJson);
    const mine = MODULE_RULES.flatMap((r) =>
      r
        .check(index)
        .filter((f) => f.address.includes(".stream-clicks_"))
        .map((f) => `${r.id} ${f.address} ${f.status}`),
    );
    expect(mine.filter((f) => f.endsWith("non_compliant"))).toEqual([]);
    expect(mine).toEqual(
      expect.arrayContaining([
        "KMS.Rotation aws_kms_key.stream-clicks_key compliant",
        "LOGS.Retention aws_cloudwatch_log_group.stream-clicks_log-group compliant",
        "IAM.NoWildcardActions aws_iam_role_policy.stream-clicks_policy compliant",
        "IAM.NoWildcardResources aws_iam_role_policy.stream-clicks_policy compliant",
      ]),
    );
  });

  it("keeps its Terraform addresses (renaming one replaces the stream, its key or its logs)", () => {
    const addresses = Object.entries(json.resource).flatMap(([type, blocks]) =>
      Object.keys(blocks)
        .filter((id) => id.startsWith("stream-clicks_"))
        .map((id) => `${type}.${id}`),
    );
    expect(addresses.sort()).toEqual([
      "aws_cloudwatch_log_group.stream-clicks_log-group",
      "aws_cloudwatch_log_stream.stream-clicks_log-stream",
      "aws_iam_role.stream-clicks_role",
      "aws_iam_role_policy.stream-clicks_policy",
      "aws_kinesis_firehose_delivery_stream.stream-clicks_stream",
      "aws_kms_alias.stream-clicks_key-alias",
      "aws_kms_key.stream-clicks_key",
    ]);
  });
});

describe("DeliveryStream: grantPut", () => {
  const { json } = build({}, producer);

  it("lets a producer put records into this stream only, with no key use", () => {
    expect(doc(json, "producer-clicks-policy_document").statement).toEqual([
      { actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], resources: [streamArn] },
    ]);
    expect(PUT_ACTIONS).toEqual(["firehose:PutRecord", "firehose:PutRecordBatch"]);
    const role = evaluator(json);
    const allows = (action: string, resource: string) => role.allows("producer-clicks", { action, resource });
    expect(allows("firehose:PutRecord", streamArn)).toBe(true);
    expect(allows("firehose:PutRecordBatch", streamArn)).toBe(true);
    const other = "arn:aws:firehose:eu-west-1:111111111111:deliverystream/event-lake-test-stream-orders";
    expect(allows("firehose:PutRecord", other)).toBe(false);
    expect(allows("firehose:DeleteDeliveryStream", streamArn)).toBe(false);
    expect(allows("firehose:UpdateDestination", streamArn)).toBe(false);
    expect(allows("s3:PutObject", `${drop}/clicks/x.ndjson`)).toBe(false);
    expect(allows("kms:GenerateDataKey", "${aws_kms_key.stream-clicks_key.arn}")).toBe(false);
  });
});

describe("DeliveryStream: documented defaults", () => {
  it("pins every default", () => {
    expect(DELIVERY_STREAM_DEFAULTS).toEqual({
      bufferSeconds: 300,
      bufferMegabytes: 64,
      logRetentionDays: 30,
      keyDeletionWindowDays: 30,
      logGroupPrefix: "/aws/kinesisfirehose/",
      logStreamName: "DestinationDelivery",
      compressionFormat: "GZIP",
      timeZone: "UTC",
      errorRoot: "_firehose-errors",
    });
    expect(BUFFER_LIMITS).toEqual({ seconds: { min: 0, max: 900 }, megabytes: { min: 1, max: 128 } });
  });

  it("buffers 300 s or 64 MB unless the pipeline declares otherwise", () => {
    expect(s3Config(build().json)).toMatchObject({ buffering_interval: 300, buffering_size: 64 });
    const declared = definePipeline({
      ...clicks,
      source: { kind: "stream", bufferSeconds: 0, bufferMegabytes: 1 },
    });
    expect(s3Config(build({ pipeline: declared }).json)).toMatchObject({
      buffering_interval: 0,
      buffering_size: 1,
    });
    const onlySeconds = definePipeline({ ...clicks, source: { kind: "stream", bufferSeconds: 900 } });
    expect(s3Config(build({ pipeline: onlySeconds }).json)).toMatchObject({
      buffering_interval: 900,
      buffering_size: 64,
    });
  });

  it("names the log group after the stream unless told, and keeps logs and the key as asked", () => {
    const { json } = build({
      names: { ...names, logGroup: "/event-lake-test/firehose/clicks" },
      logRetentionDays: 90,
      keyDeletionWindowDays: 7,
    });
    expect(at(json, "aws_cloudwatch_log_group", "stream-clicks_log-group")).toMatchObject({
      name: "/event-lake-test/firehose/clicks",
      retention_in_days: 90,
    });
    expect(at(json, "aws_kms_key", "stream-clicks_key")["deletion_window_in_days"]).toBe(7);
    expect(JSON.stringify(doc(json, "stream-clicks_key-policy"))).toContain(
      ":log-group:/event-lake-test/firehose/clicks",
    );
  });

  it("names csv objects .csv.gz", () => {
    const csv = definePipeline({
      ...orders,
      name: "readings",
      source: { kind: "stream" },
      format: { type: "csv", header: false },
    });
    const { json } = build({ pipeline: csv });
    expect(s3Config(json)).toMatchObject({
      prefix: "readings/ingest_date=!{timestamp:yyyy-MM-dd}/",
      file_extension: ".csv.gz",
    });
  });

  it("exposes the prefixes it writes under", () => {
    const { stream } = build();
    expect(stream.prefix).toBe("clicks/");
    expect(stream.errorPrefix).toBe("_firehose-errors/clicks/");
  });
});

describe("DeliveryStream: invalid props", () => {
  const csv = (format: PipelineDeclaration["format"]) =>
    definePipeline({ ...orders, name: "readings", source: { kind: "stream" }, format });
  it.each([
    [{ names: { ...names, stream: "has space" } }, 'names.stream "has space" must be 1-64 letters, digits'],
    [{ names: { ...names, stream: "x".repeat(65) } }, "names.stream"],
    [{ names: { ...names, role: "r".repeat(65) } }, "must be 1-64 characters of an IAM role name"],
    [
      { names: { ...names, logGroup: "bad:group" } },
      'names.logGroup "bad:group" is not a CloudWatch Logs group',
    ],
    [{ pipeline: orders }, 'pipeline "orders": source.kind must be "stream", got "http"'],
    [{ pipeline: clickstream }, 'pipeline "clickstream": source.kind must be "stream", got "push"'],
    [
      { pipeline: { ...clicks, name: "Clicks" } },
      'dataset "Clicks" must be lower-case snake_case (it is the prefix)',
    ],
    [
      { pipeline: { ...clicks, source: { kind: "stream", bufferSeconds: 901 } } },
      "buffer.seconds must be a whole number from 0 to 900, got 901",
    ],
    [
      { pipeline: { ...clicks, source: { kind: "stream", bufferSeconds: 1.5 } } },
      "buffer.seconds must be a whole number from 0 to 900, got 1.5",
    ],
    [
      { pipeline: { ...clicks, source: { kind: "stream", bufferMegabytes: 0 } } },
      "buffer.megabytes must be a whole number from 1 to 128, got 0",
    ],
    [
      { pipeline: { ...clicks, format: { type: "json" } } },
      'format.type "json" (one array per file) cannot be concatenated: use "ndjson"',
    ],
    [{ pipeline: csv({ type: "csv" }) }, "format.header must be false for csv"],
    [{ pipeline: csv({ type: "csv", header: true }) }, "format.header must be false for csv"],
    [{ logRetentionDays: 31 }, "logRetentionDays must be one of 1, 3, 5, 7, 14, 30,"],
    [{ keyDeletionWindowDays: 6 }, "keyDeletionWindowDays must be 7 to 30, got 6"],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as Parameters<typeof build>[0])).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() =>
      build({
        pipeline: { ...clicks, source: { kind: "stream", bufferMegabytes: 200 }, format: { type: "json" } },
        keyDeletionWindowDays: 45,
      }),
    ).toThrow(
      /^DeliveryStream event-lake-test-stream-clicks: buffer\.megabytes .*; format\.type .*; keyDeletionWindowDays must be 7 to 30, got 45$/,
    );
  });
});
