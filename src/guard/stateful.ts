/**
 * Resource types whose destruction loses data or makes data unreadable. One table, used by the plan guard (what a
 * plan may not destroy or replace) and by the address baseline (whose addresses must not change by accident).
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "an S3 bucket: every object and version in it goes with it",
  aws_kms_key:
    "a KMS key: once its deletion window ends, everything encrypted with it (objects, queues, topics, state) is unreadable for good",
  aws_dynamodb_table: "a DynamoDB table: its items go with it",
  aws_glue_catalog_database:
    "a Glue database: its tables, partitions and Lake Formation grants go with it; Athena and Redshift lose the schema",
  // Decision: tables are data-bearing metadata. A crawler can re-create a table, but not its registered partitions,
  // manual schema choices or grants, and every Athena view and Redshift external schema over it breaks meanwhile.
  aws_glue_catalog_table:
    "a Glue table: its schema and registered partitions go with it; queries and views over it fail until it is rebuilt",
  aws_redshiftserverless_namespace: "a Redshift Serverless namespace: the warehouse's databases go with it",
  aws_redshift_cluster:
    "a Redshift cluster: its databases go with it (a final snapshot only if one is configured)",
  aws_lakeformation_data_lake_settings:
    "the account's Lake Formation settings: destroying them empties the data lake admins and resets the default permissions of every new database and table",
  aws_sagemaker_notebook_instance:
    "a SageMaker notebook instance: the notebooks and data on its ML storage volume go with it",
  aws_secretsmanager_secret:
    "a Secrets Manager secret: it is scheduled for deletion, and once its recovery window ends the credential is gone (a warehouse admin password cannot be read back)",
  aws_cloudwatch_log_group:
    "a CloudWatch log group: every log event in it goes with it (audit trail, flow logs, function and state machine logs)",
  aws_s3_bucket_versioning:
    "a bucket's versioning: Terraform suspends it on delete, so every later overwrite or delete loses the object's previous version for good",
};

/**
 * What each of the lake's DynamoDB tables holds, by the construct id in its address (`<id>_table_<hash>`) or its
 * physical name: losing one is cheap or expensive depending on which it is.
 */
const TABLE_ROLES: readonly (readonly [RegExp, string])[] = [
  [
    /drop-to-raw-ledger|drop-to-raw_ledger/,
    "the drop-to-raw ledger of converted files, so every file in the drop zone would be converted again",
  ],
  [
    /analytics-runs|analytics_runs/,
    "the analytics run ledger (crawler events, curated runs, claimed ingest dates), so curated dates would be transformed again",
  ],
  [
    /ingest-runs|ingest_runs/,
    "the ingest run ledger (each pull's ETag and Last-Modified), so every source would be fetched again in full",
  ],
];

/** What the resource at `address` holds, in words: its type's entry, with a DynamoDB table's role in the lake. */
export function holdsOf(type: string, address: string): string {
  const holds = STATEFUL_TYPES[type] ?? type;
  if (type !== "aws_dynamodb_table") return holds;
  const role = TABLE_ROLES.find(([pattern]) => pattern.test(address))?.[1];
  return role ? `${holds}: ${role}` : holds;
}

/**
 * Types whose replacement ends as it began: a replaced `aws_s3_bucket_versioning` is suspended for a moment and
 * enabled again (its bucket, if replaced too, is blocked on its own). Only their deletes are blocked.
 */
export const REPLACE_KEEPS_DATA: ReadonlySet<string> = new Set(["aws_s3_bucket_versioning"]);

export function isStateful(type: string): boolean {
  return Object.hasOwn(STATEFUL_TYPES, type);
}

type Attributes = Readonly<Record<string, unknown>>;

/** One in-place change that destroys data, or makes its destruction possible or irreversible. */
export interface DestructiveUpdate {
  readonly type: string;
  /** What the change does, for the guard's message. */
  readonly effect: string;
  /** The attribute change that makes it destructive, e.g. `is_enabled true -> false`, or undefined when harmless. */
  detect(before: Attributes, after: Attributes): string | undefined;
}

const becomes =
  (attribute: string, from: unknown, to: unknown) =>
  (before: Attributes, after: Attributes): string | undefined =>
    before[attribute] === from && after[attribute] === to
      ? `${attribute} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`
      : undefined;

function versioningStatus(attributes: Attributes): unknown {
  const config = attributes["versioning_configuration"];
  const first = Array.isArray(config) ? (config[0] as Attributes | undefined) : undefined;
  return first?.["status"];
}

/**
 * Updates in place that pass as "~ update" in a plan but destroy data, or arm its destruction. Checked on every
 * update of these types, whether or not the type is in STATEFUL_TYPES.
 */
export const DESTRUCTIVE_UPDATES: readonly DestructiveUpdate[] = [
  {
    type: "aws_kms_key",
    effect:
      "disables the key: every object, queue, topic, table and log encrypted with it is unreadable until it is enabled again",
    detect: becomes("is_enabled", true, false),
  },
  {
    type: "aws_kms_key",
    effect:
      "shortens the key's deletion window: a scheduled deletion (a destroy, or a mistake) becomes irreversible sooner",
    detect: (before, after) => {
      const from = before["deletion_window_in_days"];
      const to = after["deletion_window_in_days"];
      return typeof from === "number" && typeof to === "number" && to < from
        ? `deletion_window_in_days ${from} -> ${to}`
        : undefined;
    },
  },
  {
    type: "aws_s3_bucket",
    effect:
      "lets Terraform empty the bucket: a later destroy or replacement deletes every object and version without asking",
    detect: becomes("force_destroy", false, true),
  },
  {
    type: "aws_s3_bucket_versioning",
    effect:
      "suspends versioning: every later overwrite or delete loses the object's previous version for good",
    detect: (before, after) => {
      const from = versioningStatus(before);
      const to = versioningStatus(after);
      return from === "Enabled" && to !== "Enabled"
        ? `versioning_configuration.status ${JSON.stringify(from)} -> ${JSON.stringify(to)}`
        : undefined;
    },
  },
  {
    type: "aws_dynamodb_table",
    effect: "turns off the table's deletion protection: a later destroy deletes its items without asking",
    detect: becomes("deletion_protection_enabled", true, false),
  },
  {
    type: "aws_secretsmanager_secret",
    effect: "lets a deletion of the secret take effect at once, with no recovery window",
    detect: (before, after) =>
      before["recovery_window_in_days"] !== 0 && after["recovery_window_in_days"] === 0
        ? `recovery_window_in_days ${JSON.stringify(before["recovery_window_in_days"])} -> 0`
        : undefined,
  },
];

/** The destructive parts of an in-place update of `type`, as `[effect, attribute change]` pairs. */
export function destructiveUpdates(
  type: string,
  before: Attributes,
  after: Attributes,
): (readonly [string, string])[] {
  const found: (readonly [string, string])[] = [];
  for (const rule of DESTRUCTIVE_UPDATES.filter((r) => r.type === type)) {
    const cause = rule.detect(before, after);
    if (cause !== undefined) found.push([rule.effect, cause]);
  }
  return found;
}
