import { blocksOf, type TerraformJson } from "../terraform/json.js";

/**
 * The architecture as a graph, read from one synthesized stack (`cdk.tf.json`): the resources that carry data or
 * events are nodes, grouped by zone; edges are the event flow, derived from the references between resources
 * (bucket -> notification -> topic -> subscription -> queue -> event source mapping -> function, …).
 */

export interface DiagramNode {
  /** Terraform address, e.g. `aws_s3_bucket.zone-drop_bucket_2CC08DED`. */
  readonly id: string;
  readonly type: string;
  /** What it is, e.g. "S3 bucket". */
  readonly kind: string;
  /** Its physical name without the environment prefix, e.g. "drop". */
  readonly label: string;
  readonly group: string;
  readonly shape: string;
  /** Drawn dashed: dead-letter queues. */
  readonly secondary: boolean;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** Failure paths and "uses" references are dashed; the event flow is solid. */
  readonly dashed: boolean;
}

export interface DiagramModel {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

/** The node types: what is drawn, how, and where when it belongs to no zone. */
export const NODE_TYPES: Readonly<Record<string, { kind: string; shape: string; category: string }>> = {
  aws_s3_bucket: { kind: "S3 bucket", shape: "cylinder", category: "storage" },
  aws_sns_topic: { kind: "SNS topic", shape: "cds", category: "processing" },
  aws_sqs_queue: { kind: "SQS queue", shape: "box3d", category: "processing" },
  aws_lambda_function: { kind: "Lambda", shape: "component", category: "processing" },
  aws_scheduler_schedule: { kind: "schedule", shape: "ellipse", category: "processing" },
  aws_cloudwatch_event_rule: { kind: "EventBridge rule", shape: "diamond", category: "processing" },
  aws_sfn_state_machine: { kind: "Step Functions", shape: "octagon", category: "processing" },
  aws_dynamodb_table: { kind: "DynamoDB table", shape: "cylinder", category: "processing" },
  aws_kinesis_firehose_delivery_stream: { kind: "Firehose", shape: "cds", category: "processing" },
  aws_glue_crawler: { kind: "Glue crawler", shape: "box", category: "catalog and query" },
  aws_glue_job: { kind: "Glue job", shape: "component", category: "catalog and query" },
  aws_glue_catalog_database: { kind: "Glue database", shape: "folder", category: "catalog and query" },
  aws_glue_catalog_table: { kind: "Glue table", shape: "tab", category: "catalog and query" },
  aws_athena_workgroup: { kind: "Athena workgroup", shape: "box", category: "catalog and query" },
  aws_redshift_cluster: { kind: "Redshift cluster", shape: "cylinder", category: "warehouse" },
  aws_redshiftserverless_namespace: { kind: "Redshift namespace", shape: "cylinder", category: "warehouse" },
  aws_redshiftserverless_workgroup: { kind: "Redshift workgroup", shape: "box", category: "warehouse" },
  aws_quicksight_data_source: { kind: "QuickSight source", shape: "box", category: "consumers" },
  aws_quicksight_data_set: { kind: "QuickSight data set", shape: "box", category: "consumers" },
  aws_sagemaker_domain: { kind: "SageMaker domain", shape: "box", category: "consumers" },
};

/** Fields that are wiring for security or bookkeeping, not flow: never edges. */
const IGNORED_FIELDS = new Set([
  "//",
  "depends_on",
  "provider",
  "lifecycle",
  "tags",
  "role",
  "role_arn",
  "execution_role_arn",
  "kms_key_arn",
  "kms_key_id",
  "kms_master_key_id",
  "policy",
  "layers",
  "logging_configuration",
  "security_configuration",
  "encryption_configuration",
  "expected_bucket_owner",
]);

/** `type.name` of every resource referenced in a value, e.g. `${aws_sqs_queue.q_1234ABCD.arn}`. */
export function references(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (key !== undefined && IGNORED_FIELDS.has(key)) return;
    if (typeof v === "string") {
      if (!v.includes("${")) return;
      for (const m of v.matchAll(/(?<![\w.])(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?=[.[])/g))
        found.push(`${m[1]}.${m[2]}`);
    } else if (Array.isArray(v)) for (const item of v) walk(item);
    else if (typeof v === "object" && v !== null) for (const [k, item] of Object.entries(v)) walk(item, k);
  };
  walk(value);
  return [...new Set(found)];
}

interface Connector {
  /** Fields holding the sources of the flow and its targets. */
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly label: string;
  readonly dashed?: boolean;
}

/** Resources that are not drawn but connect two that are. */
const CONNECTORS: Readonly<Record<string, readonly Connector[]>> = {
  aws_s3_bucket_notification: [
    { from: ["bucket"], to: ["topic", "queue", "lambda_function"], label: "object created" },
  ],
  aws_sns_topic_subscription: [{ from: ["topic_arn"], to: ["endpoint"], label: "subscription" }],
  aws_lambda_event_source_mapping: [{ from: ["event_source_arn"], to: ["function_name"], label: "polls" }],
  aws_cloudwatch_event_target: [
    { from: ["rule"], to: ["arn"], label: "target" },
    { from: ["rule"], to: ["dead_letter_config"], label: "undeliverable", dashed: true },
  ],
  aws_lambda_function_event_invoke_config: [
    { from: ["function_name"], to: ["destination_config"], label: "on failure", dashed: true },
  ],
  aws_pipes_pipe: [{ from: ["source"], to: ["target"], label: "pipe" }],
};

/** Edges that start at a drawn node: what it feeds (solid) or uses (dashed). */
const OUTGOING: Readonly<
  Record<string, readonly { fields: readonly string[]; label: string; dashed: boolean }[]>
> = {
  aws_sqs_queue: [{ fields: ["redrive_policy"], label: "dead letters", dashed: true }],
  aws_scheduler_schedule: [
    { fields: ["target.arn"], label: "invokes", dashed: false },
    { fields: ["target.dead_letter_config"], label: "undeliverable", dashed: true },
  ],
  aws_lambda_function: [{ fields: ["environment"], label: "uses", dashed: true }],
  aws_sfn_state_machine: [{ fields: ["definition"], label: "runs", dashed: true }],
  aws_glue_crawler: [{ fields: ["database_name"], label: "catalogs into", dashed: false }],
  aws_athena_workgroup: [{ fields: ["configuration"], label: "results", dashed: true }],
  aws_glue_catalog_database: [],
  aws_kinesis_firehose_delivery_stream: [
    { fields: ["extended_s3_configuration"], label: "delivers", dashed: false },
  ],
};

/** Edges that end at a drawn node: what it reads from. */
const INCOMING: Readonly<Record<string, readonly { fields: readonly string[]; label: string }[]>> = {
  aws_glue_crawler: [{ fields: ["s3_target", "catalog_target"], label: "crawls" }],
  aws_glue_catalog_table: [{ fields: ["database_name"], label: "" }],
};

const CATALOG_TYPES = new Set(["aws_glue_catalog_database", "aws_glue_catalog_table"]);

export function buildModel(stack: TerraformJson, prefix: string): DiagramModel {
  const resources = blocksOf(stack);
  const nodes = new Map<string, DiagramNode>();
  const dlqs = new Set<string>();
  for (const queue of resources.filter((b) => b.type === "aws_sqs_queue"))
    for (const ref of references({ redrive_policy: queue.body["redrive_policy"] })) dlqs.add(ref);

  for (const { type, name, address: id, path: fullPath, body } of resources) {
    const spec = NODE_TYPES[type];
    if (!spec) continue;
    const path = (fullPath ?? name).split("/").slice(1);
    nodes.set(id, {
      id,
      type,
      kind: dlqs.has(id) ? "dead-letter queue" : spec.kind,
      label: shortName(body, path, prefix),
      group: zoneOf(path) ?? spec.category,
      shape: spec.shape,
      secondary: dlqs.has(id),
    });
  }

  const edges = new Map<string, DiagramEdge>();
  const add = (from: string, to: string, label: string, dashed: boolean) => {
    if (from === to || !nodes.has(from) || !nodes.has(to)) return;
    const key = `${from}->${to}`;
    // A flow edge wins over a "uses" edge between the same two nodes.
    if (edges.has(key) && !(edges.get(key)?.dashed && !dashed)) return;
    edges.set(key, { from, to, label, dashed });
  };
  const at = (body: Record<string, unknown>, field: string): unknown =>
    field
      .split(".")
      .reduce<unknown>(
        (v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined),
        body,
      );
  const refsIn = (body: Record<string, unknown>, fields: readonly string[]) =>
    fields.flatMap((f) => references({ [f.split(".").pop() ?? f]: at(body, f) }));

  for (const { type, address: id, body } of resources) {
    for (const c of CONNECTORS[type] ?? [])
      for (const from of refsIn(body, c.from))
        for (const to of refsIn(body, c.to)) add(from, to, c.label, c.dashed ?? false);
    // "uses" of catalog metadata would tie every function to every database: left out, the crawlers show it.
    for (const o of OUTGOING[type] ?? [])
      for (const to of refsIn(body, o.fields))
        if (!(o.dashed && CATALOG_TYPES.has(nodes.get(to)?.type ?? ""))) add(id, to, o.label, o.dashed);
    // A crawler's dead-letter queue is where its events end up, not a source.
    for (const i of INCOMING[type] ?? [])
      for (const from of refsIn(body, i.fields))
        if (!nodes.get(from)?.secondary) add(from, id, i.label, false);
  }

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()].sort((a, b) =>
      `${a.from}->${a.to}` < `${b.from}->${b.to}` ? -1 : `${a.from}->${a.to}` > `${b.from}->${b.to}` ? 1 : 0,
    ),
  };
}

/** `zone-drop/…` and `events-drop/…` belong to the drop zone. */
function zoneOf(path: readonly string[]): string | undefined {
  const match = /^(?:zone|events)-(.+)$/.exec(path[0] ?? "");
  return match ? `${match[1]} zone` : undefined;
}

function shortName(body: Record<string, unknown>, path: readonly string[], prefix: string): string {
  const physical = [body["bucket"], body["function_name"], body["name"]].find(
    (v): v is string => typeof v === "string" && !v.includes("${"),
  );
  // Bucket names end in the account id: the same in every box, so left out.
  const name = (physical ?? path.join("/")).replace(/-\d{12}$/, "");
  return name.startsWith(`${prefix}-`) ? name.slice(prefix.length + 1) : name;
}
