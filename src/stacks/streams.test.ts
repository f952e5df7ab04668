import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { definePipeline } from "../core/pipeline.js";
import { loadPipelines, validatePipelines } from "../pipelines/index.js";
import { evaluate } from "../policy/engine.js";
import { RULES } from "../policy/rules/index.js";
import { SUPPRESSIONS, suppressionMatches } from "../policy/suppressions.js";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { loadOutdir } from "../terraform/json.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { PolicyEvaluator } from "../testing/policy-evaluator.js";
import { maskHashes, type StackJson, type SynthResult, synthApp } from "../testing/synth.js";

// The shipped pipelines plus two stream pipelines: the stack builds a Firehose stream and a producer role for each.
let shipped: readonly PipelineDeclaration[];
let synth: SynthResult;
let test: StackJson;
beforeAll(async () => {
  shipped = await loadPipelines();
  const clickstream = shipped.find((p) => p.name === "clickstream") as PipelineDeclaration;
  const streamed = validatePipelines([
    ...shipped,
    definePipeline({
      ...clickstream,
      name: "clicks_live",
      description: "Clickstream events sent one by one through Firehose",
      source: { kind: "stream", bufferSeconds: 60 },
    }),
    definePipeline({
      ...clickstream,
      name: "beacons",
      description: "Beacon events sent one by one through Firehose",
      source: { kind: "stream" },
    }),
  ]);
  synth = await synthApp({ environments: ["test", "local"], pipelines: streamed });
  test = maskHashes(synth.stacks["test"] as StackJson);
});

const resource = (stack: StackJson, type: string, id: string) =>
  stack.resource[type]?.[id] as Record<string, unknown>;
const statements = (stack: StackJson, id: string) =>
  (stack.data?.["aws_iam_policy_document"]?.[id] as { statement: Record<string, unknown>[] } | undefined)
    ?.statement;

describe("stream pipelines in the lake stack", () => {
  it("get one Firehose stream each, into the drop zone under their own prefix", () => {
    expect(Object.keys(test.resource["aws_kinesis_firehose_delivery_stream"] ?? {}).sort()).toEqual([
      "stream-beacons_stream",
      "stream-clicks_live_stream",
    ]);
    expect(resource(test, "aws_kinesis_firehose_delivery_stream", "stream-clicks_live_stream")).toMatchObject(
      {
        name: "event-lake-test-stream-clicks-live",
        destination: "extended_s3",
        server_side_encryption: {
          enabled: true,
          key_type: "CUSTOMER_MANAGED_CMK",
          key_arn: "${aws_kms_key.stream-clicks_live_key.arn}",
        },
        extended_s3_configuration: {
          role_arn: "${aws_iam_role.stream-clicks_live_role.arn}",
          bucket_arn: "${aws_s3_bucket.zone-drop_bucket.arn}",
          prefix: "clicks_live/ingest_date=!{timestamp:yyyy-MM-dd}/",
          error_output_prefix:
            "_firehose-errors/clicks_live/!{firehose:error-output-type}/ingest_date=!{timestamp:yyyy-MM-dd}/",
          custom_time_zone: "UTC",
          buffering_interval: 60,
          buffering_size: 64,
          compression_format: "GZIP",
          file_extension: ".ndjson.gz",
          kms_key_arn: "${aws_kms_key.zone-drop_key.arn}",
        },
      },
    );
    expect(resource(test, "aws_iam_role", "stream-clicks_live_role")["name"]).toBe(
      "event-lake-test-stream-clicks-live-delivery",
    );
    expect(resource(test, "aws_kinesis_firehose_delivery_stream", "stream-beacons_stream")).toMatchObject({
      name: "event-lake-test-stream-beacons",
      extended_s3_configuration: {
        prefix: "beacons/ingest_date=!{timestamp:yyyy-MM-dd}/",
        buffering_interval: 300,
      },
    });
  });

  it("get a producer role, trusted by the account's principals tagged for the pipeline, and outputs naming the stream and the role", () => {
    expect(resource(test, "aws_iam_role", "producer-clicks_live")).toMatchObject({
      name: "event-lake-test-stream-clicks-live-producer",
      assume_role_policy: "${data.aws_iam_policy_document.producer-clicks_live-trust.json}",
    });
    expect(statements(test, "producer-clicks_live-trust")).toEqual([
      {
        sid: "AssumeFromTaggedPrincipals",
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "AWS",
            identifiers: [
              "arn:${data.aws_partition.context_partition.partition}:iam::${data.aws_caller_identity.context_identity.account_id}:root",
            ],
          },
        ],
        condition: [
          { test: "StringEquals", variable: "aws:PrincipalTag/event-lake-producer", values: ["clicks_live"] },
        ],
      },
    ]);
    expect(test.output?.["stream_clicks_live_delivery_stream_name"]?.value).toBe(
      "${aws_kinesis_firehose_delivery_stream.stream-clicks_live_stream.name}",
    );
    expect(test.output?.["stream_clicks_live_producer_role_arn"]?.value).toBe(
      "${aws_iam_role.producer-clicks_live.arn}",
    );
    expect(
      Object.keys(test.output ?? {})
        .filter((o) => o.startsWith("stream_"))
        .sort(),
    ).toEqual([
      "stream_beacons_delivery_stream_name",
      "stream_beacons_producer_role_arn",
      "stream_clicks_live_delivery_stream_name",
      "stream_clicks_live_producer_role_arn",
    ]);
  });

  it("let a producer put records into its own stream and nothing else", () => {
    expect(statements(test, "producer-clicks_live-policy_document")).toEqual([
      {
        actions: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        resources: ["${aws_kinesis_firehose_delivery_stream.stream-clicks_live_stream.arn}"],
      },
    ]);
    const evaluator = new PolicyEvaluator(test, { partition: "aws", region: "eu-west-1", account: "1" });
    const allows = (action: string, resource: string) =>
      evaluator.allows("producer-clicks_live", { action, resource });
    const own = "${aws_kinesis_firehose_delivery_stream.stream-clicks_live_stream.arn}";
    const other = "${aws_kinesis_firehose_delivery_stream.stream-beacons_stream.arn}";
    expect(allows("firehose:PutRecord", own)).toBe(true);
    expect(allows("firehose:PutRecordBatch", own)).toBe(true);
    expect(allows("firehose:PutRecord", other)).toBe(false);
    expect(allows("firehose:PutRecordBatch", other)).toBe(false);
    expect(allows("firehose:DeleteDeliveryStream", own)).toBe(false);
    expect(allows("s3:PutObject", "${aws_s3_bucket.zone-drop_bucket.arn}/clicks_live/x.ndjson")).toBe(false);
    expect(allows("kms:GenerateDataKey", "${aws_kms_key.stream-clicks_live_key.arn}")).toBe(false);
  });

  it("let each delivery role write under its own pipeline's prefixes only", () => {
    const evaluator = new PolicyEvaluator(test, { partition: "aws", region: "eu-west-1", account: "1" });
    const puts = (role: string, key: string) =>
      evaluator.allows(role, {
        action: "s3:PutObject",
        resource: `\${aws_s3_bucket.zone-drop_bucket.arn}/${key}`,
      });
    expect(puts("stream-clicks_live_role", "clicks_live/ingest_date=2026-11-05/x.ndjson.gz")).toBe(true);
    expect(puts("stream-clicks_live_role", "_firehose-errors/clicks_live/x")).toBe(true);
    expect(puts("stream-clicks_live_role", "beacons/ingest_date=2026-11-05/x.ndjson.gz")).toBe(false);
    expect(puts("stream-clicks_live_role", "clickstream/ingest_date=2026-11-05/x.ndjson")).toBe(false);
    expect(puts("stream-beacons_role", "beacons/ingest_date=2026-11-05/x.ndjson.gz")).toBe(true);
    expect(puts("stream-beacons_role", "clicks_live/x")).toBe(false);
  });

  it("build nothing for the shipped pipelines, which have no stream source", async () => {
    expect(shipped.filter((p) => p.source.kind === "stream")).toEqual([]);
    const plain = await synthApp({ environments: ["test"] });
    const stack = plain.stacks["test"] as StackJson;
    expect(stack.resource["aws_kinesis_firehose_delivery_stream"]).toBeUndefined();
    expect(Object.keys(stack.output ?? {}).filter((o) => o.startsWith("stream_"))).toEqual([]);
  });

  it("are built the same in local (moto applies the stream as it is)", () => {
    const local = maskHashes(synth.stacks["local"] as StackJson);
    expect(
      resource(local, "aws_kinesis_firehose_delivery_stream", "stream-clicks_live_stream"),
    ).toMatchObject({
      name: "event-lake-local-stream-clicks-live",
      server_side_encryption: { enabled: true, key_type: "CUSTOMER_MANAGED_CMK" },
      extended_s3_configuration: { prefix: "clicks_live/ingest_date=!{timestamp:yyyy-MM-dd}/" },
    });
  });

  it("pass the rule pack in test and local", () => {
    const report = evaluate(
      loadOutdir(synth.outdir).filter((s) => s.name !== "bootstrap"),
      RULES,
      SUPPRESSIONS,
      suppressionMatches,
    );
    const open = report.results
      .filter((r) => r.finding.status === "non_compliant" && !r.suppression)
      .map((r) => `${r.stack} ${r.rule.id} ${r.finding.address}`);
    expect(open).toEqual([]);
    const checked = report.results
      .filter((r) => r.stack === "test" && r.finding.address.includes("stream-clicks_live_"))
      .map((r) => `${r.rule.id} ${r.finding.status}`);
    expect(checked).toEqual(
      expect.arrayContaining([
        "KMS.Rotation compliant",
        "LOGS.Retention compliant",
        "IAM.NoWildcardResources compliant",
      ]),
    );
  });

  it("validate with the real provider (terraform validate, offline)", async () => {
    const choice = chooseMirror(process.env);
    expect(choice.providers, "no provider mirror found: set TF_PROVIDER_MIRROR").toContain(
      "registry.terraform.io/hashicorp/aws",
    );
    const rc = join(mkdtempSync(join(tmpdir(), "tfrc-")), "terraform.rc");
    writeFileSync(rc, renderCliConfig(choice));
    // Offline by construction: a provider that is not in the mirror cannot be fetched from anywhere.
    const env = terraformEnv(rc, {
      ...process.env,
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
    });
    const cwd = join(synth.outdir, "stacks", "test");
    await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], {
      cwd,
      env,
      timeoutMs: 240_000,
    });
    const { stdout } = await runTerraform(["validate", "-json", "-no-color"], {
      cwd,
      env,
      timeoutMs: 240_000,
    });
    const result = JSON.parse(stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
    expect(result).toMatchObject({ valid: true, error_count: 0 });
  }, 300_000);
});
