import { type Block, booleanOf, dig, many, one, type StackIndex } from "../../terraform/json.js";
import { compliant, nonCompliant, notApplicable, verdict } from "../engine.js";
import type { Rule } from "../types.js";

const BUCKET = "aws_s3_bucket";

/**
 * Why a bucket counts as an access-log target, or undefined. Explicit marks only: another bucket's
 * `aws_s3_bucket_logging` points at it, or its bucket policy admits the S3 logging service principal.
 */
export function accessLogTarget(stack: StackIndex, bucket: Block): string | undefined {
  const loggers = stack.attached(bucket, "aws_s3_bucket_logging", "target_bucket");
  if (loggers.length > 0) return `target of ${loggers.map((l) => l.address).join(", ")}`;
  for (const policy of stack.attached(bucket, "aws_s3_bucket_policy", "bucket"))
    for (const s of stack.policy(policy.body["policy"])?.statements ?? [])
      if (
        s.effect === "Allow" &&
        s.principals.some((p) => p.identifiers.some((id) => id.startsWith("logging.s3.")))
      )
        return `its bucket policy (${policy.address}) admits logging.s3`;
  return undefined;
}

/** The bucket an S3 ARN (`${aws_s3_bucket.b.arn}`, `arn:aws:s3:::name`) designates, ignoring a `/...` suffix. */
function bucketOfArn(stack: StackIndex, arn: string): { bucket?: Block; objects: boolean } {
  const slash = arn.indexOf("/", arn.lastIndexOf("}") + 1);
  const head = slash === -1 ? arn : arn.slice(0, slash);
  const objects = slash !== -1;
  const byRef = stack.target(head);
  if (byRef) return { bucket: byRef.type === BUCKET ? byRef : undefined, objects };
  const partitionFree = head.replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, "aws");
  const name = /^arn:[^:]+:s3:::(.+)$/.exec(stack.literal(partitionFree) ?? "")?.[1];
  return { bucket: name === undefined ? undefined : stack.resolve(BUCKET, name), objects };
}

/** Whether a bucket's default encryption uses a customer-managed KMS key, and if not, what it uses. */
function encryption(
  stack: StackIndex,
  bucket: Block,
): { kind: "cmk" | "aws-managed" | "sse-s3" | "none"; detail: string } {
  const configs = stack.attached(bucket, "aws_s3_bucket_server_side_encryption_configuration", "bucket");
  const rules = [
    ...configs.flatMap((c) => many(c.body["rule"])),
    ...many(dig(bucket.body, "server_side_encryption_configuration", "rule")),
  ];
  const defaults = rules
    .map((r) => one(r["apply_server_side_encryption_by_default"]))
    .filter((d) => d !== undefined);
  const first = defaults[0];
  if (!first) return { kind: "none", detail: "has no default encryption configuration" };
  const algorithm = String(first["sse_algorithm"] ?? "");
  if (algorithm === "AES256") return { kind: "sse-s3", detail: "uses SSE-S3 (AES256)" };
  const key = first["kms_master_key_id"];
  if (typeof key !== "string" || key === "")
    return { kind: "aws-managed", detail: `uses ${algorithm} with the AWS managed key aws/s3` };
  const target = stack.target(key);
  const literal = stack.literal(key) ?? "";
  if (literal.includes("alias/aws/"))
    return { kind: "aws-managed", detail: `uses the AWS managed key ${literal}` };
  if (target && !["aws_kms_key", "aws_kms_alias", "aws_kms_replica_key"].includes(target.type))
    return { kind: "aws-managed", detail: `kms_master_key_id points at ${target.address}, not a KMS key` };
  return { kind: "cmk", detail: `SSE-KMS with ${target?.address ?? literal}` };
}

export const s3Rules: readonly Rule[] = [
  {
    id: "S3.KmsEncryption",
    level: "error",
    title: "Buckets are encrypted by default with a customer-managed KMS key",
    explanation:
      "A key of our own lets the key policy, not only IAM, decide who reads the data, and makes access auditable in CloudTrail. The one exception is a bucket explicitly marked as an S3 server access log target (another bucket's aws_s3_bucket_logging points at it, or its policy admits logging.s3): S3 cannot deliver access logs to an SSE-KMS bucket, so SSE-S3 is accepted there.",
    mirrors: "CKV_AWS_145",
    seeAlso: ["AwsSolutions-S3", "CKV_AWS_19"],
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const enc = encryption(stack, bucket);
        if (enc.kind === "cmk") return compliant(bucket, enc.detail);
        const target = enc.kind === "sse-s3" ? accessLogTarget(stack, bucket) : undefined;
        if (target) return compliant(bucket, `SSE-S3 on an access-log target (${target})`);
        return nonCompliant(bucket, `${enc.detail}; set SSE-KMS with a customer-managed aws_kms_key`);
      }),
  },
  {
    id: "S3.PublicAccessBlock",
    level: "error",
    title: "Every bucket has a public access block with all four flags true",
    explanation:
      "block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets together stop a stray ACL or policy from publishing the lake. Add an aws_s3_bucket_public_access_block for the bucket with all four set to true.",
    mirrors: "CKV2_AWS_6",
    seeAlso: ["AwsSolutions-S2", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const blocks = stack.attached(bucket, "aws_s3_bucket_public_access_block", "bucket");
        if (blocks.length === 0) return nonCompliant(bucket, "has no aws_s3_bucket_public_access_block");
        const flags = [
          "block_public_acls",
          "block_public_policy",
          "ignore_public_acls",
          "restrict_public_buckets",
        ];
        const off = flags.filter((f) => !blocks.some((b) => booleanOf(b.body[f]) === true));
        return verdict(
          bucket,
          off.length === 0,
          "all four public access block flags are true",
          `public access block leaves ${off.join(", ")} unset or false`,
        );
      }),
  },
  {
    id: "S3.TlsOnly",
    level: "error",
    title: "Bucket policies deny every request not made over TLS",
    explanation:
      'A Deny of "s3:*" for every principal on the bucket and its objects when aws:SecureTransport is "false" keeps data off plain HTTP. The local stack leaves it out because moto cannot evaluate the condition; that gap is a listed suppression.',
    mirrors: "AwsSolutions-S10",
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const policies = stack.attached(bucket, "aws_s3_bucket_policy", "bucket");
        if (policies.length === 0)
          return nonCompliant(bucket, "has no bucket policy, so no TLS-only statement");
        for (const policy of policies) {
          const doc = stack.policy(policy.body["policy"]);
          if (!doc) return nonCompliant(bucket, `${policy.address}'s policy cannot be read statically`);
          const tlsDeny = doc.statements.find((s) => {
            const insecure = s.conditions.some(
              (c) =>
                /^Bool(IfExists)?$/.test(c.test) &&
                c.variable === "aws:SecureTransport" &&
                c.values.includes("false"),
            );
            const everyone = s.principals.some((p) => p.identifiers.includes("*"));
            const allActions = s.actions.some((a) => a === "*" || a === "s3:*");
            const covered = s.resources.map((r) => (r === "*" ? "all" : bucketOfArn(stack, r)));
            const onBucket = covered.some((c) => c === "all" || (c.bucket === bucket && !c.objects));
            const onObjects = covered.some((c) => c === "all" || (c.bucket === bucket && c.objects));
            return s.effect === "Deny" && insecure && everyone && allActions && onBucket && onObjects;
          });
          if (tlsDeny) return compliant(bucket, `${policy.address} denies aws:SecureTransport=false`);
        }
        return nonCompliant(
          bucket,
          'bucket policy has no Deny of "s3:*" for all principals on the bucket and its objects when aws:SecureTransport is false',
        );
      }),
  },
  {
    id: "S3.Versioning",
    level: "error",
    title: "Buckets are versioned",
    explanation:
      "Versioning keeps overwritten and deleted objects recoverable, which is what lets a bad pipeline run be undone. Add aws_s3_bucket_versioning with status Enabled (and expire noncurrent versions in the lifecycle).",
    mirrors: "CKV_AWS_21",
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const enabled =
          stack
            .attached(bucket, "aws_s3_bucket_versioning", "bucket")
            .some((v) => dig(v.body, "versioning_configuration", "status") === "Enabled") ||
          booleanOf(dig(bucket.body, "versioning", "enabled")) === true;
        return verdict(bucket, enabled, "versioning is Enabled", "versioning is not Enabled");
      }),
  },
  {
    id: "S3.AccessLogs",
    level: "error",
    title: "Buckets write server access logs to the access-log bucket",
    explanation:
      "Server access logs record every request, including denied ones, for audits and incident response. Add aws_s3_bucket_logging pointing at the environment's access-log bucket. The access-log bucket itself is the usual reasoned suppression: logging it into itself would loop.",
    mirrors: "CKV_AWS_18",
    seeAlso: ["AwsSolutions-S1"],
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const logging = stack.attached(bucket, "aws_s3_bucket_logging", "bucket");
        const target = logging.map((l) => l.body["target_bucket"]).find((t) => t !== undefined && t !== "");
        const inline = dig(bucket.body, "logging", "target_bucket");
        return verdict(
          bucket,
          target !== undefined || (inline !== undefined && inline !== ""),
          `logs to ${stack.target(target ?? inline)?.address ?? String(target ?? inline)}`,
          "has no server access logging (aws_s3_bucket_logging)",
        );
      }),
  },
  {
    id: "S3.NoArchiveTransitionsForAthena",
    level: "error",
    title: "Buckets Athena reads never move current objects to Glacier Flexible Retrieval or Deep Archive",
    explanation:
      "Athena cannot read objects in GLACIER or DEEP_ARCHIVE (nor Intelligent-Tiering's archive tiers): queries fail or silently skip data. Applies to buckets a Glue table, crawler, database or Lake Formation resource points at. Use INTELLIGENT_TIERING without archive tiers, or GLACIER_IR, or expire the data instead.",
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const readers = athenaReaders(stack, bucket);
        if (readers.length === 0)
          return notApplicable(bucket, "no Glue/Lake Formation resource reads this bucket");
        const archived = stack
          .lifecycleRules(bucket)
          .filter((r) => r.enabled)
          .flatMap((r) => r.transitions.filter((t) => ["GLACIER", "DEEP_ARCHIVE"].includes(t.storageClass)))
          .map((t) => `transition to ${t.storageClass}`);
        for (const tiering of stack.attached(
          bucket,
          "aws_s3_bucket_intelligent_tiering_configuration",
          "bucket",
        ))
          if (tiering.body["status"] !== "Disabled")
            for (const tier of many(tiering.body["tiering"]))
              archived.push(`Intelligent-Tiering ${String(tier["access_tier"])} (${tiering.address})`);
        return verdict(
          bucket,
          archived.length === 0,
          `read by ${readers.join(", ")}; no archive transitions`,
          `read by ${readers.join(", ")} but has ${archived.join(", ")}`,
        );
      }),
  },
  {
    id: "S3.AbortIncompleteUploads",
    level: "error",
    title: "Lifecycle aborts incomplete multipart uploads for the whole bucket",
    explanation:
      "Parts of uploads that never complete are invisible in listings but billed forever. Add an enabled lifecycle rule with no filter (or an empty prefix) and abort_incomplete_multipart_upload.days_after_initiation.",
    mirrors: "CKV_AWS_300",
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const rule = stack
          .lifecycleRules(bucket)
          .find((r) => r.enabled && r.appliesToAll && (r.abortIncompleteUploadDays ?? 0) >= 1);
        return verdict(
          bucket,
          rule !== undefined,
          `aborts incomplete uploads after ${rule?.abortIncompleteUploadDays} days (${rule?.source})`,
          "no enabled bucket-wide lifecycle rule aborts incomplete multipart uploads",
        );
      }),
  },
  {
    id: "S3.OwnershipEnforced",
    level: "error",
    title: "Object ownership is BucketOwnerEnforced (ACLs disabled)",
    explanation:
      "With ACLs disabled, only policies grant access and the bucket owner owns every object, whoever wrote it. Add aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced.",
    mirrors: "CKV2_AWS_65",
    check: (stack) =>
      stack.resources(BUCKET).map((bucket) => {
        const controls = stack.attached(bucket, "aws_s3_bucket_ownership_controls", "bucket");
        const setting = controls
          .map((c) => dig(c.body, "rule", "object_ownership"))
          .find((o) => o !== undefined);
        return verdict(
          bucket,
          setting === "BucketOwnerEnforced",
          "object ownership is BucketOwnerEnforced",
          `object ownership is ${setting === undefined ? "not set (ACLs may be enabled)" : String(setting)}`,
        );
      }),
  },
];

/** Glue/Lake Formation resources that point Athena at this bucket, by reference or by `s3://name` literal. */
function athenaReaders(stack: StackIndex, bucket: Block): string[] {
  const types = [
    "aws_glue_catalog_table",
    "aws_glue_crawler",
    "aws_glue_catalog_database",
    "aws_glue_partition",
    "aws_lakeformation_resource",
  ];
  const name = stack.literal(bucket.body["bucket"]);
  const literal = name === undefined ? undefined : new RegExp(`s3://${escapeRegExp(name)}(/|"|$)`);
  const readers = new Set<string>();
  for (const type of types) {
    for (const r of stack.referrers(bucket, type)) readers.add(r.address);
    if (literal)
      for (const r of stack.resources(type)) if (literal.test(JSON.stringify(r.body))) readers.add(r.address);
  }
  return [...readers];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
