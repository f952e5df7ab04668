import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { AUDIT_TRAIL_DEFAULTS, AuditTrail, type AuditTrailProps } from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

function build(
  overrides: Partial<AuditTrailProps> = {},
  zones: readonly string[] = ["raw", "curated"],
): Json {
  const stack = new TerraformStack(Testing.app(), "trail");
  const context = new AwsContext(stack, "context");
  const buckets = zones.map(
    (zone) =>
      new ZoneBucket(stack, `zone-${zone}`, { context, zone, bucketName: `event-lake-test-${zone}-1` }),
  );
  new AuditTrail(stack, "audit-trail", {
    context,
    trailName: "event-lake-test-audit",
    bucketName: "event-lake-test-trail-1",
    dataEventBuckets: buckets,
    ...overrides,
  });
  return maskHashes(JSON.parse(Testing.synth(stack)) as Json);
}

const trailOf = (json: Json) => json.resource["aws_cloudtrail"]?.["audit-trail"] as Record<string, unknown>;
const TRAIL_ARN =
  "arn:${data.aws_partition.context_partition.partition}:cloudtrail:${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}:trail/event-lake-test-audit";

describe("AuditTrail: secure defaults", () => {
  const json = build();
  const trail = trailOf(json);

  it("covers every region and global services, validates log files, encrypts with the trail bucket's key, logs", () => {
    expect(trail).toMatchObject({
      name: "event-lake-test-audit",
      s3_bucket_name: "${aws_s3_bucket.audit-trail_zone-trail_bucket.id}",
      kms_key_id: "${aws_kms_key.audit-trail_zone-trail_key.arn}",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      depends_on: ["aws_s3_bucket_policy.audit-trail_zone-trail_bucket-policy"],
    });
    expect(json.resource["aws_kms_key"]?.["audit-trail_zone-trail_key"]?.["enable_key_rotation"]).toBe(true);
  });

  it("records management events and the zone buckets' object-level reads and writes in one selector", () => {
    expect(trail["event_selector"]).toEqual([
      {
        include_management_events: true,
        read_write_type: "All",
        data_resource: [
          {
            type: "AWS::S3::Object",
            values: ["${aws_s3_bucket.zone-raw_bucket.arn}/", "${aws_s3_bucket.zone-curated_bucket.arn}/"],
          },
        ],
      },
    ]);
  });

  it("admits CloudTrail to the bucket for this trail only, writing under AWSLogs/<account>/ as bucket owner", () => {
    const policy = json.data["aws_iam_policy_document"]?.["audit-trail_zone-trail_bucket-policy-document"];
    const statements = policy?.["statement"] as Record<string, unknown>[];
    expect(statements.map((s) => s["sid"])).toEqual([
      "DenyInsecureTransport",
      "CloudTrailAclCheck",
      "CloudTrailWrite",
    ]);
    const principals = [
      { type: "Service", identifiers: ["cloudtrail.${data.aws_partition.context_partition.dns_suffix}"] },
    ];
    expect(statements[1]).toEqual({
      sid: "CloudTrailAclCheck",
      principals,
      actions: ["s3:GetBucketAcl"],
      resources: ["${aws_s3_bucket.audit-trail_zone-trail_bucket.arn}"],
      condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] }],
    });
    expect(statements[2]).toEqual({
      sid: "CloudTrailWrite",
      principals,
      actions: ["s3:PutObject"],
      resources: [
        "${aws_s3_bucket.audit-trail_zone-trail_bucket.arn}/AWSLogs/${data.aws_caller_identity.context_identity.account_id}/*",
      ],
      condition: [
        { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] },
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      ],
    });
  });

  it("lets CloudTrail use the key for this trail only", () => {
    const key = json.data["aws_iam_policy_document"]?.["audit-trail_zone-trail_key-policy"];
    const statement = ((key?.["statement"] ?? []) as Record<string, unknown>[]).find(
      (s) => s["sid"] === "Servicecloudtrail",
    );
    expect(statement).toEqual({
      sid: "Servicecloudtrail",
      principals: [
        { type: "Service", identifiers: ["cloudtrail.${data.aws_partition.context_partition.dns_suffix}"] },
      ],
      actions: ["kms:DescribeKey", "kms:GenerateDataKey*"],
      resources: ["*"],
      condition: [
        {
          test: "StringEquals",
          variable: "aws:SourceAccount",
          values: ["${data.aws_caller_identity.context_identity.account_id}"],
        },
        { test: "ArnLike", variable: "aws:SourceArn", values: [TRAIL_ARN] },
      ],
    });
  });

  it("keeps log files for the documented 365 days, in a versioned, public-access-blocked bucket", () => {
    const lifecycle =
      json.resource["aws_s3_bucket_lifecycle_configuration"]?.["audit-trail_zone-trail_lifecycle"];
    expect(lifecycle?.["rule"]).toContainEqual({
      id: "expire-current-objects",
      status: "Enabled",
      filter: [{ prefix: "" }],
      expiration: [{ days: 365 }],
    });
    expect(AUDIT_TRAIL_DEFAULTS).toEqual({
      dataEventReadWriteType: "All",
      enableLogging: true,
      retentionDays: 365,
      denyInsecureTransport: true,
    });
    expect(json.resource["aws_s3_bucket_versioning"]?.["audit-trail_zone-trail_versioning"]).toBeDefined();
    expect(
      json.resource["aws_s3_bucket_public_access_block"]?.["audit-trail_zone-trail_public-access-block"],
    ).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });
});

describe("AuditTrail: settings", () => {
  it("records no data events when no bucket is given", () => {
    expect(trailOf(build({}, []))["event_selector"]).toEqual([
      { include_management_events: true, read_write_type: "All" },
    ]);
  });

  it("puts narrower data events in a selector of their own", () => {
    expect(trailOf(build({ dataEventReadWriteType: "WriteOnly" }, ["curated"]))["event_selector"]).toEqual([
      { include_management_events: true, read_write_type: "All" },
      {
        include_management_events: false,
        read_write_type: "WriteOnly",
        data_resource: [{ type: "AWS::S3::Object", values: ["${aws_s3_bucket.zone-curated_bucket.arn}/"] }],
      },
    ]);
  });

  it("stops logging when told (the local-compatibility layer), keeping every other setting", () => {
    expect(trailOf(build({ enableLogging: false }))).toMatchObject({
      enable_logging: false,
      is_multi_region_trail: true,
      enable_log_file_validation: true,
    });
  });

  it("leaves the TLS-only statement out only when told, and keeps logs as long as asked", () => {
    const json = build({ denyInsecureTransport: false, retentionDays: 400 });
    const statements = json.data["aws_iam_policy_document"]?.[
      "audit-trail_zone-trail_bucket-policy-document"
    ]?.["statement"] as Record<string, unknown>[];
    expect(statements.map((s) => s["sid"])).toEqual(["CloudTrailAclCheck", "CloudTrailWrite"]);
    const lifecycle =
      json.resource["aws_s3_bucket_lifecycle_configuration"]?.["audit-trail_zone-trail_lifecycle"];
    expect(JSON.stringify(lifecycle)).toContain('"expiration":[{"days":400}]');
  });
});

describe("AuditTrail: invalid props", () => {
  it.each([
    [{ trailName: "a b" }, 'trailName "a b" must be 3-128'],
    [{ trailName: "x".repeat(129) }, "must be 3-128 letters"],
    [{ retentionDays: 30 }, "retentionDays must be a whole number >= 90 (audit logs), got 30"],
    [{ retentionDays: 100.5 }, "retentionDays must be a whole number >= 90 (audit logs), got 100.5"],
    [
      { dataEventReadWriteType: "Some" },
      "dataEventReadWriteType must be All, ReadOnly or WriteOnly, got Some",
    ],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as unknown as Partial<AuditTrailProps>)).toThrow(message);
  });

  it("delivers to CloudWatch Logs only when asked: its own encrypted group, a role for this trail only", () => {
    const json = build({ cloudWatchLogs: { retentionDays: 90 } });
    const trail = trailOf(json);

    expect(trailOf(build())["cloud_watch_logs_group_arn"]).toBeUndefined();
    expect(trail).toMatchObject({
      cloud_watch_logs_group_arn: "${aws_cloudwatch_log_group.audit-trail_log-group.arn}:*",
      cloud_watch_logs_role_arn: "${aws_iam_role.audit-trail_log-role.arn}",
    });
    expect(trail["depends_on"]).toContain("aws_iam_role_policy.audit-trail_log-role-policy");
    expect(json.resource["aws_cloudwatch_log_group"]?.["audit-trail_log-group"]).toEqual({
      name: "/aws/cloudtrail/event-lake-test-audit",
      retention_in_days: 90,
      kms_key_id: "${aws_kms_key.audit-trail_log-key.arn}",
    });
    expect(json.data["aws_iam_policy_document"]?.["audit-trail_log-role-trust"]?.["statement"]).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          { type: "Service", identifiers: ["cloudtrail.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] }],
      },
    ]);
    expect(
      json.data["aws_iam_policy_document"]?.["audit-trail_log-role-policy_document"]?.["statement"],
    ).toEqual([
      {
        sid: "WriteTrailEvents",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: ["${aws_cloudwatch_log_group.audit-trail_log-group.arn}:log-stream:*"],
      },
    ]);
  });

  it("rejects a bucket listed twice, and reports every problem in one error", () => {
    const stack = new TerraformStack(Testing.app(), "trail");
    const context = new AwsContext(stack, "context");
    const raw = new ZoneBucket(stack, "zone-raw", {
      context,
      zone: "raw",
      bucketName: "event-lake-test-raw-1",
    });
    expect(
      () =>
        new AuditTrail(stack, "audit-trail", {
          context,
          trailName: "event-lake-test-audit",
          bucketName: "event-lake-test-trail-1",
          dataEventBuckets: [raw, raw],
          retentionDays: 1,
        }),
    ).toThrow(/^AuditTrail event-lake-test-audit: retentionDays .*; dataEventBuckets lists a bucket twice$/);
  });
});
