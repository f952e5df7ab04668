import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZONE_BUCKET_DEFAULTS, ZoneBucket, type ZoneBucketProps } from "./index.js";

type Json = Record<string, Record<string, Record<string, unknown>>>;

function synth(
  props: Partial<ZoneBucketProps> = {},
  wire?: (zone: ZoneBucket, stack: TerraformStack) => void,
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const zone = new ZoneBucket(stack, "zone", {
    context,
    zone: "raw",
    bucketName: "lake-raw-111111111111",
    ...props,
  });
  wire?.(zone, stack);
  const json = JSON.parse(Testing.synth(stack)) as { resource: Json; data: Json };
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = Object.entries(json[kind][type] ?? {}).find(([key]) => key.startsWith(id));
    if (!found) throw new Error(`no ${type} ${id}`);
    return maskHashes(found[1]);
  };
  const policy = (kind: "key-policy" | "bucket-policy-document") =>
    one("data", "aws_iam_policy_document", `zone_${kind}_`)["statement"] as Record<string, unknown>[];
  return { json, one, policy, zone };
}

describe("ZoneBucket secure defaults", () => {
  const { one, policy } = synth();

  it("encrypts with its own rotating key, as SSE-KMS with a bucket key", () => {
    expect(one("resource", "aws_kms_key", "zone_key_")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      description: "event-lake raw zone (lake-raw-111111111111)",
      policy: "${data.aws_iam_policy_document.zone_key-policy.json}",
    });
    expect(
      one("resource", "aws_s3_bucket_server_side_encryption_configuration", "zone_encryption")["rule"],
    ).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "${aws_kms_key.zone_key.arn}",
        },
        bucket_key_enabled: true,
      },
    ]);
    expect(one("resource", "aws_kms_alias", "zone_key-alias")["name"]).toBe("alias/lake-raw-111111111111");
  });

  it("blocks every kind of public access and enforces bucket-owner object ownership", () => {
    expect(one("resource", "aws_s3_bucket_public_access_block", "zone_public-access-block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(one("resource", "aws_s3_bucket_ownership_controls", "zone_ownership")["rule"]).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  it("is versioned and never force-destroyed by default", () => {
    expect(
      one("resource", "aws_s3_bucket_versioning", "zone_versioning")["versioning_configuration"],
    ).toEqual({
      status: "Enabled",
    });
    expect(one("resource", "aws_s3_bucket", "zone_bucket")["force_destroy"]).toBe(false);
  });

  it("denies every request that is not over TLS", () => {
    expect(one("resource", "aws_s3_bucket_policy", "zone_bucket-policy")["count"]).toBe(1);
    expect(policy("bucket-policy-document")).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}", "${aws_s3_bucket.zone_bucket.arn}/*"],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("aborts incomplete uploads after 7 days and expires noncurrent versions after 30, with no Glacier", () => {
    const rules = one("resource", "aws_s3_bucket_lifecycle_configuration", "zone_lifecycle")["rule"];
    expect(rules).toEqual([
      {
        id: "abort-incomplete-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
    expect(JSON.stringify(rules)).not.toMatch(/GLACIER|DEEP_ARCHIVE/);
  });

  it("gives the account root key administration only, not use of the key", () => {
    const [admin] = policy("key-policy");
    expect(admin?.["actions"]).not.toContain("kms:Decrypt");
    expect(admin?.["actions"]).not.toContain("kms:*");
    expect(admin?.["principals"]).toEqual([
      {
        type: "AWS",
        identifiers: [
          "arn:${data.aws_partition.context_partition.partition}:iam::${data.aws_caller_identity.context_identity.account_id}:root",
        ],
      },
    ]);
  });

  it("documents its defaults", () => {
    expect(ZONE_BUCKET_DEFAULTS).toEqual({
      encryption: "kms",
      noncurrentVersionExpiryDays: 30,
      abortIncompleteUploadsAfterDays: 7,
      denyInsecureTransport: true,
      keyDeletionWindowDays: 30,
    });
  });
});

describe("ZoneBucket options", () => {
  it("expires current objects and tiers to Intelligent-Tiering when asked", () => {
    const { one } = synth({ expireAfterDays: 30, intelligentTieringAfterDays: 60 });
    const rules = one("resource", "aws_s3_bucket_lifecycle_configuration", "zone_lifecycle")[
      "rule"
    ] as unknown[];

    expect(rules.slice(2)).toEqual([
      {
        id: "expire-current-objects",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: 30 }],
      },
      {
        id: "intelligent-tiering",
        status: "Enabled",
        filter: [{ prefix: "" }],
        transition: [{ days: 60, storage_class: "INTELLIGENT_TIERING" }],
      },
    ]);
  });

  it("force-destroys only with the second opt-in", () => {
    expect(
      synth({ forceDestroy: { enabled: true, acknowledgeDataLoss: true } }).one(
        "resource",
        "aws_s3_bucket",
        "zone_bucket",
      )["force_destroy"],
    ).toBe(true);
  });

  it("leaves out the TLS statement only when told to (the local-compatibility layer)", () => {
    const { policy, one } = synth({ denyInsecureTransport: false });
    expect(policy("bucket-policy-document")).toEqual([]);
    expect(one("resource", "aws_s3_bucket_policy", "zone_bucket-policy")["count"]).toBe(0);
  });

  it("admits S3 log delivery from this account into an access-log bucket, and refuses a KMS bucket as a target", () => {
    const { policy } = synth({ encryption: "s3-managed" }, (zone) => zone.acceptServerAccessLogs());
    expect(policy("bucket-policy-document").at(-1)).toEqual({
      sid: "AllowS3ServerAccessLogs",
      principals: [
        { type: "Service", identifiers: ["logging.s3.${data.aws_partition.context_partition.dns_suffix}"] },
      ],
      actions: ["s3:PutObject"],
      resources: ["${aws_s3_bucket.zone_bucket.arn}/*"],
      condition: [
        {
          test: "StringEquals",
          variable: "aws:SourceAccount",
          values: ["${data.aws_caller_identity.context_identity.account_id}"],
        },
      ],
    });
    expect(() => synth({}, (zone) => zone.acceptServerAccessLogs())).toThrow(
      'ZoneBucket raw: an access-log target must use encryption "s3-managed"',
    );
  });

  it("uses SSE-S3 and no key for an access-log bucket", () => {
    const { json, one } = synth({ encryption: "s3-managed" });
    expect(json.resource["aws_kms_key"]).toBeUndefined();
    expect(
      one("resource", "aws_s3_bucket_server_side_encryption_configuration", "zone_encryption")["rule"],
    ).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("grants delete and version listing under a prefix, with no key use and no version deletes", () => {
    const { one } = synth({}, (zone, stack) => {
      const role = new IamRole(stack, "role", { name: "converter", assumeRolePolicy: "{}" });
      const rolePolicy = new RolePolicy(stack, "role-policy", { role });
      zone.grantDelete(rolePolicy, "orders/");
      zone.grantListVersions(rolePolicy, "orders/");
    });

    expect(one("data", "aws_iam_policy_document", "role-policy_document")["statement"]).toEqual([
      { actions: ["s3:DeleteObject"], resources: ["${aws_s3_bucket.zone_bucket.arn}/orders/*"] },
      {
        actions: ["s3:ListBucket"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}"],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["orders/*"] }],
      },
      {
        actions: ["s3:ListBucketVersions"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}"],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["orders/*"] }],
      },
    ]);
  });

  it("grants read and write to a role's policy and to the key policy, scoped to the prefix and via S3 only", () => {
    const { policy, one } = synth({}, (zone, stack) => {
      const role = new IamRole(stack, "role", { name: "converter", assumeRolePolicy: "{}" });
      const rolePolicy = new RolePolicy(stack, "role-policy", { role });
      zone.grantRead(rolePolicy, "orders/");
      zone.grantWrite(rolePolicy, "orders/");
    });
    const granted = one("data", "aws_iam_policy_document", "role-policy_document")["statement"];

    expect(granted).toEqual([
      {
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}/orders/*"],
      },
      {
        actions: ["s3:ListBucket"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}"],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["orders/*"] }],
      },
      { actions: ["kms:Decrypt", "kms:DescribeKey"], resources: ["${aws_kms_key.zone_key.arn}"] },
      {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: ["${aws_s3_bucket.zone_bucket.arn}/orders/*"],
      },
      {
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: ["${aws_kms_key.zone_key.arn}"],
      },
    ]);
    const keyUse = policy("key-policy").slice(1);
    expect(keyUse.map((s) => s["principals"])).toEqual([
      [{ type: "AWS", identifiers: ["${aws_iam_role.role.arn}"] }],
      [{ type: "AWS", identifiers: ["${aws_iam_role.role.arn}"] }],
    ]);
    expect(keyUse.map((s) => s["actions"])).toEqual([
      ["kms:Decrypt", "kms:DescribeKey"],
      ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
    ]);
    expect(keyUse[0]?.["condition"]).toEqual([
      {
        test: "StringEquals",
        variable: "kms:ViaService",
        values: [
          "s3.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
        ],
      },
    ]);
  });
});

describe("ZoneBucket grantWrite with several prefixes", () => {
  it("puts every prefix in one statement and the key once", () => {
    const { one } = synth({}, (zone, stack) => {
      const role = new IamRole(stack, "role", { name: "ingest", assumeRolePolicy: "{}" });
      zone.grantWrite(new RolePolicy(stack, "role-policy", { role }), ["orders/", "clicks/", "Web Logs/"]);
    });

    expect(one("data", "aws_iam_policy_document", "role-policy_document")["statement"]).toEqual([
      {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: [
          "${aws_s3_bucket.zone_bucket.arn}/orders/*",
          "${aws_s3_bucket.zone_bucket.arn}/clicks/*",
          "${aws_s3_bucket.zone_bucket.arn}/Web Logs/*",
        ],
      },
      {
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: ["${aws_kms_key.zone_key.arn}"],
      },
    ]);
  });

  it("refuses an empty list, which would grant nothing", () => {
    expect(() =>
      synth({}, (zone, stack) => {
        const role = new IamRole(stack, "role", { name: "ingest", assumeRolePolicy: "{}" });
        zone.grantWrite(new RolePolicy(stack, "role-policy", { role }), []);
      }),
    ).toThrow("ZoneBucket raw.grantWrite: an empty list of prefixes grants nothing");
  });
});

describe("ZoneBucket key policy size", () => {
  it("admits every role granted the same actions through the same service in one statement, each role once", () => {
    const { policy } = synth({}, (zone, stack) => {
      for (const name of ["a", "b", "c"]) {
        const role = new IamRole(stack, `role-${name}`, { name, assumeRolePolicy: "{}" });
        const rolePolicy = new RolePolicy(stack, `policy-${name}`, { role });
        zone.grantRead(rolePolicy, "orders/");
        zone.grantRead(rolePolicy, "clickstream/");
      }
      const writer = new IamRole(stack, "role-w", { name: "w", assumeRolePolicy: "{}" });
      zone.grantWrite(new RolePolicy(stack, "policy-w", { role: writer }), "orders/");
    });
    const keyUse = policy("key-policy").slice(1);

    // one statement per (actions, service): 7 grants, 2 statements; a statement each made 50 pipelines need 62 KB
    expect(keyUse.map((s) => [s["sid"], s["actions"], s["principals"]])).toEqual([
      [
        "Use1raw",
        ["kms:Decrypt", "kms:DescribeKey"],
        [
          {
            type: "AWS",
            identifiers: [
              "${aws_iam_role.role-a.arn}",
              "${aws_iam_role.role-b.arn}",
              "${aws_iam_role.role-c.arn}",
            ],
          },
        ],
      ],
      [
        "Use2raw",
        ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        [{ type: "AWS", identifiers: ["${aws_iam_role.role-w.arn}"] }],
      ],
    ]);
  });
});

describe("ZoneBucket.admitRoleToKey", () => {
  it("admits a role the stack does not manage to the key through one service, in the key policy only", () => {
    // prepare / act
    const { policy, json } = synth({}, (zone, stack) =>
      zone.admitRoleToKey(
        new DataAwsIamRole(stack, "quicksight", { name: "aws-quicksight-service-role-v0" }),
        ["kms:Decrypt"],
        "s3",
      ),
    );

    // assess
    expect(policy("key-policy").slice(1)).toEqual([
      {
        sid: "Use1raw",
        principals: [{ type: "AWS", identifiers: ["${data.aws_iam_role.quicksight.arn}"] }],
        actions: ["kms:Decrypt"],
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
      },
    ]);
    expect(json.resource["aws_iam_role_policy"]).toBeUndefined();
  });

  it("refuses a zone without its own key", () => {
    expect(() =>
      synth({ encryption: "s3-managed" }, (zone, stack) =>
        zone.admitRoleToKey(new DataAwsIamRole(stack, "quicksight", { name: "x" }), ["kms:Decrypt"], "s3"),
      ),
    ).toThrow("ZoneBucket raw: an s3-managed bucket has no key");
  });
});

describe("ZoneBucket rejects invalid props, naming each", () => {
  it.each([
    [{ expireAfterDays: 0 }, "expireAfterDays must be a whole number of days >= 1, got 0"],
    [
      { noncurrentVersionExpiryDays: 1.5 },
      "noncurrentVersionExpiryDays must be a whole number of days >= 1, got 1.5",
    ],
    [
      { abortIncompleteUploadsAfterDays: -1 },
      "abortIncompleteUploadsAfterDays must be a whole number of days >= 1, got -1",
    ],
    [
      { intelligentTieringAfterDays: 0 },
      "intelligentTieringAfterDays must be a whole number of days >= 1, got 0",
    ],
    [{ keyDeletionWindowDays: 3 }, "keyDeletionWindowDays must be 7 to 30, got 3"],
    [
      { forceDestroy: { enabled: true, acknowledgeDataLoss: false } },
      "forceDestroy.enabled needs forceDestroy.acknowledgeDataLoss: true as well",
    ],
    [{ bucketName: "Bad_Name" }, 'bucketName "Bad_Name" is not a valid S3 bucket name'],
  ] as [Partial<ZoneBucketProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(`ZoneBucket raw: ${message}`);
  });

  it("collects every problem into one error", () => {
    expect(() => synth({ expireAfterDays: 0, keyDeletionWindowDays: 99 })).toThrow(
      "ZoneBucket raw: expireAfterDays must be a whole number of days >= 1, got 0; keyDeletionWindowDays must be 7 to 30, got 99",
    );
  });
});
