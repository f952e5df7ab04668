/**
 * What the cost model needs from the stack's configuration, read from a synthesized `cdk.tf.json` where the stack
 * already declares it, else from FALLBACK_STACK. Every figure says where it came from.
 */

import { type Body, blocksOf, one, type TerraformJson } from "../terraform/json.js";

export type FactSource = "cdk.tf.json" | "fallback";

export interface StackFacts {
  readonly region: string;
  /** drop-to-raw: memory, /tmp and the SQS batch size. */
  readonly converter: { readonly memoryMb: number; readonly ephemeralMb: number; readonly batchSize: number };
  /** The pull function, when there is one. */
  readonly ingest: { readonly memoryMb: number } | null;
  /** Glue crawlers (one per crawled zone). */
  readonly crawlers: number;
  /** SQS queues that carry traffic (DLQs excluded) and DLQs. */
  readonly queues: number;
  readonly deadLetterQueues: number;
  /** SNS topics S3 publishes object events to (the alerts topic excluded). */
  readonly eventTopics: number;
  readonly kmsKeys: number;
  readonly alarms: number;
  /** Lambda log groups and their retention. */
  readonly logRetentionDays: number;
  readonly stateMachines: number;
  /** Redshift Serverless: base capacity in RPUs and the daily usage limit in RPU-hours (null: none). */
  readonly redshift: { readonly baseRpu: number; readonly usageLimitRpuHoursPerDay: number | null };
  /** Every SSE-KMS data bucket has an S3 Bucket Key. */
  readonly bucketKeys: boolean;
  /** Days a dropped file is kept (the drop zone's default expiration). */
  readonly dropRetentionDays: number;
  /** Where each field above came from. */
  readonly sources: Readonly<Record<StackFactName, FactSource>>;
}

export type StackFactName = Exclude<keyof StackFacts, "sources">;

/**
 * Used for a field the synthesized stack does not (yet) declare, or when there is no synthesized stack. Values
 * are the ones the source code sets (src/stacks/processing.ts, zones.ts, eventing.ts, analytics.ts, warehouse.ts)
 * with the default settings.
 */
export const FALLBACK_STACK: Omit<StackFacts, "sources"> = {
  region: "eu-west-1",
  converter: { memoryMb: 2048, ephemeralMb: 4096, batchSize: 5 },
  ingest: { memoryMb: 512 },
  crawlers: 3,
  queues: 5,
  deadLetterQueues: 4,
  eventTopics: 3,
  kmsKeys: 6,
  alarms: 8,
  logRetentionDays: 30,
  stateMachines: 1,
  // Redshift Serverless' smallest base capacity; no usage limit unless the stack sets one.
  redshift: { baseRpu: 8, usageLimitRpuHoursPerDay: null },
  bucketKeys: true,
  dropRetentionDays: 30,
};

type Resource = Body;

/** Reads the facts from one synthesized stack; a field the stack lacks falls back, and says so. */
export function readStackFacts(json: TerraformJson | undefined): StackFacts {
  const sources = {} as Record<StackFactName, FactSource>;
  const facts = { ...FALLBACK_STACK } as { -readonly [K in StackFactName]: StackFacts[K] };
  const set = <K extends StackFactName>(name: K, value: StackFacts[K] | undefined): void => {
    sources[name] = value === undefined ? "fallback" : "cdk.tf.json";
    if (value !== undefined) facts[name] = value;
  };
  const all = (type: string): [string, Resource][] =>
    blocksOf(json, "resource", (t) => t === type).map((b) => [b.name, b.body]);
  const count = (type: string): number | undefined => (json?.resource?.[type] ? all(type).length : undefined);

  set("region", str(json?.provider?.aws?.[0]?.["region"]));

  const functions = all("aws_lambda_function");
  const converter = functions.find(([id]) => id.startsWith("drop-to-raw"))?.[1];
  const mapping = all("aws_lambda_event_source_mapping").find(([id]) => id.startsWith("drop-to-raw"))?.[1];
  set(
    "converter",
    converter && {
      memoryMb: num(converter["memory_size"]) ?? FALLBACK_STACK.converter.memoryMb,
      ephemeralMb: num(one(converter["ephemeral_storage"])?.["size"]) ?? 512,
      batchSize: num(mapping?.["batch_size"]) ?? 10,
    },
  );
  const ingest = functions.find(([id]) => id.startsWith("ingest"))?.[1];
  // A synthesized stack without an ingest function has no pull pipeline: that is a fact, not a gap.
  set(
    "ingest",
    json?.resource ? (ingest ? { memoryMb: num(ingest["memory_size"]) ?? 128 } : null) : undefined,
  );

  const queues = all("aws_sqs_queue").map(([, q]) => str(q["name"]) ?? "");
  const dlqs = queues.filter((n) => n.endsWith("-dlq"));
  // The crawler chain's queues exist before its crawlers do: one queue per crawled zone.
  const catalogQueues = queues.filter((n) => /-catalog-[a-z]+$/.test(n));
  set("crawlers", count("aws_glue_crawler") ?? (catalogQueues.length > 0 ? catalogQueues.length : undefined));
  set("queues", json?.resource?.["aws_sqs_queue"] ? queues.length - dlqs.length : undefined);
  set("deadLetterQueues", json?.resource?.["aws_sqs_queue"] ? dlqs.length : undefined);
  const topics = all("aws_sns_topic").filter(([, t]) => /-events$/.test(str(t["name"]) ?? ""));
  set("eventTopics", json?.resource?.["aws_sns_topic"] ? topics.length : undefined);
  set("kmsKeys", count("aws_kms_key"));
  set("alarms", count("aws_cloudwatch_metric_alarm"));
  const retention = all("aws_cloudwatch_log_group")
    .map(([, g]) => num(g["retention_in_days"]))
    .filter((d): d is number => d !== undefined);
  set("logRetentionDays", retention.length > 0 ? Math.max(...retention) : undefined);
  set("stateMachines", count("aws_sfn_state_machine"));

  const workgroup = all("aws_redshiftserverless_workgroup")[0]?.[1];
  const limit = all("aws_redshiftserverless_usage_limit").find(
    ([, l]) => (str(l["usage_type"]) ?? "serverless-compute") === "serverless-compute",
  )?.[1];
  set(
    "redshift",
    workgroup && {
      baseRpu: num(workgroup["base_capacity"]) ?? 128,
      usageLimitRpuHoursPerDay: limit ? perDay(num(limit["amount"]), str(limit["period"])) : null,
    },
  );

  const kmsRules = all("aws_s3_bucket_server_side_encryption_configuration")
    .flatMap(([, c]) => (Array.isArray(c["rule"]) ? (c["rule"] as Resource[]) : []))
    .filter((r) => str(one(r["apply_server_side_encryption_by_default"])?.["sse_algorithm"]) === "aws:kms");
  set(
    "bucketKeys",
    kmsRules.length > 0 ? kmsRules.every((r) => r["bucket_key_enabled"] === true) : undefined,
  );

  const dropLifecycle = all("aws_s3_bucket_lifecycle_configuration").find(([id]) =>
    id.startsWith("zone-drop"),
  );
  const dropRule = dropLifecycle
    ? (dropLifecycle[1]["rule"] as Resource[] | undefined)?.find((r) => r["id"] === "expire-current-objects")
    : undefined;
  set("dropRetentionDays", num(one(dropRule?.["expiration"])?.["days"]));

  return { ...facts, sources };
}

/** Redshift usage limits are per day, week or month; the model works per day. */
function perDay(amount: number | undefined, period: string | undefined): number | null {
  if (amount === undefined) return null;
  const days = { daily: 1, weekly: 7, monthly: 30 }[period ?? "monthly"] ?? 30;
  return amount / days;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
