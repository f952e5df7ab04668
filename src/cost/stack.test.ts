import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../terraform/json.js";
import { synthApp } from "../testing/synth.js";
import { FALLBACK_STACK, readStackFacts } from "./stack.js";

/** A hand-written stack with every resource the reader looks at. */
const STACK: TerraformJson = {
  provider: { aws: [{ region: "us-east-1" }] },
  resource: {
    aws_lambda_function: {
      "drop-to-raw_function_ABC": { memory_size: 3008, ephemeral_storage: { size: 2048 } },
      ingest_function_DEF: { memory_size: 256 },
    },
    aws_lambda_event_source_mapping: { "drop-to-raw_sqs-source-queue_1": { batch_size: 7 } },
    aws_sqs_queue: {
      a: { name: "x-drop-to-raw" },
      b: { name: "x-drop-to-raw-dlq" },
      c: { name: "x-catalog-raw" },
      d: { name: "x-catalog-raw-dlq" },
      e: { name: "x-catalog-curated" },
    },
    aws_sns_topic: { a: { name: "x-raw-events" }, b: { name: "x-alerts" } },
    aws_kms_key: { a: {}, b: {} },
    aws_cloudwatch_metric_alarm: { a: {}, b: {}, c: {} },
    aws_cloudwatch_log_group: { a: { retention_in_days: 14 }, b: { retention_in_days: 90 } },
    aws_sfn_state_machine: { a: {}, b: {} },
    aws_redshiftserverless_workgroup: { a: { base_capacity: 32 } },
    aws_redshiftserverless_usage_limit: {
      a: { usage_type: "serverless-compute", amount: 70, period: "weekly" },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      a: {
        rule: [
          { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
        ],
      },
      b: {
        rule: [
          {
            apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" },
            bucket_key_enabled: false,
          },
        ],
      },
      logs: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
    },
    aws_s3_bucket_lifecycle_configuration: {
      "zone-drop_lifecycle_1": {
        rule: [
          { id: "abort-incomplete-uploads" },
          { id: "expire-current-objects", expiration: [{ days: 21 }] },
        ],
      },
    },
  },
};

describe("readStackFacts", () => {
  it("reads every figure the stack declares", () => {
    // Act
    const facts = readStackFacts(STACK);

    // Assess
    expect(facts).toEqual({
      region: "us-east-1",
      converter: { memoryMb: 3008, ephemeralMb: 2048, batchSize: 7 },
      ingest: { memoryMb: 256 },
      crawlers: 2,
      queues: 3,
      deadLetterQueues: 2,
      eventTopics: 1,
      kmsKeys: 2,
      alarms: 3,
      logRetentionDays: 90,
      stateMachines: 2,
      redshift: { baseRpu: 32, usageLimitRpuHoursPerDay: 10 },
      bucketKeys: false,
      dropRetentionDays: 21,
      sources: expect.any(Object),
    });
    expect(Object.values(facts.sources).every((s) => s === "cdk.tf.json")).toBe(true);
  });

  it("counts Glue crawlers once the stack has them, rather than catalog queues", () => {
    const withCrawlers = {
      ...STACK,
      resource: { ...STACK.resource, aws_glue_crawler: { a: {}, b: {}, c: {}, d: {} } },
    };

    expect(readStackFacts(withCrawlers).crawlers).toBe(4);
  });

  it("falls back for every field without a stack, and says so", () => {
    const facts = readStackFacts(undefined);

    const { sources, ...values } = facts;
    expect(values).toEqual(FALLBACK_STACK);
    expect(new Set(Object.values(sources))).toEqual(new Set(["fallback"]));
  });

  it("reads the project's synthesized test stack", async () => {
    // Prepare
    const { outdir, stacks } = await synthApp({ environments: ["test"] });

    // Act
    const facts = readStackFacts(stacks["test"] as TerraformJson);
    rmSync(outdir, { recursive: true, force: true });

    // Assess: the values src/stacks sets (processing.ts, zones.ts, eventing.ts)
    expect(facts.region).toBe("eu-west-1");
    expect(facts.converter).toEqual({ memoryMb: 2048, ephemeralMb: 4096, batchSize: 5 });
    expect(facts.crawlers).toBe(3);
    expect(facts.eventTopics).toBe(3);
    expect(facts.bucketKeys).toBe(true);
    expect(facts.dropRetentionDays).toBe(30);
    expect(facts.sources.converter).toBe("cdk.tf.json");
  });
});
