import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StackIndex } from "../terraform/json.js";
import { compliantJson, type FixtureJson, index, mutated, ref, stackOf } from "./fixtures/index.js";
import { RULES, ruleById } from "./rules/index.js";
import type { Rule } from "./types.js";

/**
 * Each rule: `compliant.json` passes it, and each mutation here makes it fail at the given address. A rule without
 * a failing case fails the "every rule has a failing fixture" test below.
 */
const FAILING: Record<
  string,
  readonly { readonly why: string; readonly json: FixtureJson; readonly address: string }[]
> = {
  "S3.KmsEncryption": [
    {
      why: "SSE-S3 on a bucket that is no access-log target",
      json: mutated((_, at) => {
        at("aws_s3_bucket_server_side_encryption_configuration.zone")["rule"] = [
          { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
        ];
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "aws:kms with the AWS managed key",
      json: mutated((_, at) => {
        at("aws_s3_bucket_server_side_encryption_configuration.zone")["rule"] = [
          { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } },
        ];
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "no encryption configuration",
      json: mutated((json) => {
        delete json.resource["aws_s3_bucket_server_side_encryption_configuration"];
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.PublicAccessBlock": [
    {
      why: "one flag false",
      json: mutated((_, at) => {
        at("aws_s3_bucket_public_access_block.zone")["restrict_public_buckets"] = false;
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "no public access block",
      json: mutated((json) => {
        delete json.resource["aws_s3_bucket_public_access_block"];
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.TlsOnly": [
    {
      why: "the deny has no aws:SecureTransport condition",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.zone-bucket")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement) statement["condition"] = [];
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "the deny covers named actions only",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.zone-bucket")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement) statement["actions"] = ["s3:GetObject"];
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "the deny leaves the objects out",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.zone-bucket")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement) statement["resources"] = [ref("aws_s3_bucket.zone.arn")];
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "no bucket policy",
      json: mutated((json) => {
        delete json.resource["aws_s3_bucket_policy"];
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.Versioning": [
    {
      why: "suspended",
      json: mutated((_, at) => {
        at("aws_s3_bucket_versioning.zone")["versioning_configuration"] = { status: "Suspended" };
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.AccessLogs": [
    {
      why: "no aws_s3_bucket_logging",
      json: mutated((json) => {
        delete json.resource["aws_s3_bucket_logging"];
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.NoArchiveTransitionsForAthena": [
    {
      why: "a Glue table reads the bucket and the lifecycle moves objects to GLACIER",
      json: mutated((_, at) => {
        const rules = at("aws_s3_bucket_lifecycle_configuration.zone")["rule"] as Record<string, unknown>[];
        rules.push({
          id: "archive",
          status: "Enabled",
          transition: [{ days: 90, storage_class: "GLACIER" }],
        });
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "Intelligent-Tiering with the deep archive tier",
      json: mutated((json) => {
        json.resource["aws_s3_bucket_intelligent_tiering_configuration"] = {
          zone: {
            bucket: ref("aws_s3_bucket.zone.id"),
            name: "archive",
            tiering: [{ access_tier: "DEEP_ARCHIVE_ACCESS", days: 180 }],
          },
        };
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.AbortIncompleteUploads": [
    {
      why: "no abort rule",
      json: mutated((_, at) => {
        const config = at("aws_s3_bucket_lifecycle_configuration.zone");
        config["rule"] = (config["rule"] as Record<string, unknown>[]).slice(1);
      }),
      address: "aws_s3_bucket.zone",
    },
    {
      why: "the abort rule only covers one prefix",
      json: mutated((_, at) => {
        const [abort] = at("aws_s3_bucket_lifecycle_configuration.zone")["rule"] as Record<string, unknown>[];
        if (abort) abort["filter"] = [{ prefix: "tmp/" }];
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "S3.OwnershipEnforced": [
    {
      why: "BucketOwnerPreferred keeps ACLs",
      json: mutated((_, at) => {
        at("aws_s3_bucket_ownership_controls.zone")["rule"] = { object_ownership: "BucketOwnerPreferred" };
      }),
      address: "aws_s3_bucket.zone",
    },
  ],
  "SQS.Encrypted": [
    {
      why: "no key and no SSE-SQS",
      json: mutated((_, at) => {
        delete at("aws_sqs_queue.ingest")["kms_master_key_id"];
      }),
      address: "aws_sqs_queue.ingest",
    },
  ],
  "SQS.DeadLetterQueue": [
    {
      why: "no redrive policy",
      json: mutated((_, at) => {
        delete at("aws_sqs_queue.ingest")["redrive_policy"];
      }),
      address: "aws_sqs_queue.ingest",
    },
    {
      why: "redrive policy without maxReceiveCount",
      json: mutated((_, at) => {
        at("aws_sqs_queue.ingest")["redrive_policy"] = JSON.stringify({
          deadLetterTargetArn: ref("aws_sqs_queue.dlq.arn"),
        });
      }),
      address: "aws_sqs_queue.ingest",
    },
  ],
  "SQS.VisibilityTimeoutCoversConsumer": [
    {
      why: "60 s visibility for a 30 s function",
      json: mutated((_, at) => {
        at("aws_sqs_queue.ingest")["visibility_timeout_seconds"] = 60;
      }),
      address: "aws_sqs_queue.ingest",
    },
    {
      why: "the default 30 s visibility for a 30 s function",
      json: mutated((_, at) => {
        delete at("aws_sqs_queue.ingest")["visibility_timeout_seconds"];
      }),
      address: "aws_sqs_queue.ingest",
    },
  ],
  "SNS.KmsEncrypted": [
    {
      why: "no key",
      json: mutated((_, at) => {
        delete at("aws_sns_topic.events")["kms_master_key_id"];
      }),
      address: "aws_sns_topic.events",
    },
  ],
  "LAMBDA.TracingActive": [
    {
      why: "PassThrough",
      json: mutated((_, at) => {
        at("aws_lambda_function.ingest")["tracing_config"] = { mode: "PassThrough" };
      }),
      address: "aws_lambda_function.ingest",
    },
  ],
  "LAMBDA.LogGroupWithRetention": [
    {
      why: "no log group for the function's name",
      json: mutated((json) => {
        delete json.resource["aws_cloudwatch_log_group"]?.["ingest"];
      }),
      address: "aws_lambda_function.ingest",
    },
    {
      why: "the custom log group keeps logs forever",
      json: mutated((_, at) => {
        delete at("aws_cloudwatch_log_group.notify")["retention_in_days"];
      }),
      address: "aws_lambda_function.notify",
    },
  ],
  "LAMBDA.ConcurrencyLimit": [
    {
      why: "neither reserved concurrency nor maximum concurrency on the mapping",
      json: mutated((_, at) => {
        delete at("aws_lambda_function.ingest")["reserved_concurrent_executions"];
        delete at("aws_lambda_event_source_mapping.ingest")["scaling_config"];
      }),
      address: "aws_lambda_function.ingest",
    },
    {
      why: "no reserved concurrency and no event source mapping",
      json: mutated((_, at) => {
        delete at("aws_lambda_function.notify")["reserved_concurrent_executions"];
      }),
      address: "aws_lambda_function.notify",
    },
  ],
  "LAMBDA.AsyncFailureDestination": [
    {
      why: "invoked by SNS without DLQ or on-failure destination",
      json: mutated((json) => {
        delete json.resource["aws_lambda_function_event_invoke_config"];
      }),
      address: "aws_lambda_function.notify",
    },
  ],
  "LAMBDA.SupportedRuntime": [
    {
      why: "nodejs20.x",
      json: mutated((_, at) => {
        at("aws_lambda_function.ingest")["runtime"] = "nodejs20.x";
      }),
      address: "aws_lambda_function.ingest",
    },
    {
      why: "nodejs18.x",
      json: mutated((_, at) => {
        at("aws_lambda_function.ingest")["runtime"] = "nodejs18.x";
      }),
      address: "aws_lambda_function.ingest",
    },
  ],
  "LAMBDA.ExplicitMemoryAndTimeout": [
    {
      why: "memory left at the default",
      json: mutated((_, at) => {
        delete at("aws_lambda_function.ingest")["memory_size"];
      }),
      address: "aws_lambda_function.ingest",
    },
  ],
  "LAMBDA.JsonLogs": [
    {
      why: "Text logs",
      json: mutated((_, at) => {
        at("aws_lambda_function.ingest")["logging_config"] = { log_format: "Text" };
      }),
      address: "aws_lambda_function.ingest",
    },
  ],
  "KMS.Rotation": [
    {
      why: "rotation off",
      json: mutated((_, at) => {
        at("aws_kms_key.zone")["enable_key_rotation"] = false;
      }),
      address: "aws_kms_key.zone",
    },
  ],
  "CLOUDTRAIL.LogFileValidation": [
    {
      why: "validation off",
      json: mutated((_, at) => {
        at("aws_cloudtrail.lake")["enable_log_file_validation"] = false;
      }),
      address: "aws_cloudtrail.lake",
    },
  ],
  "CLOUDTRAIL.MultiRegion": [
    {
      why: "single region",
      json: mutated((_, at) => {
        delete at("aws_cloudtrail.lake")["is_multi_region_trail"];
      }),
      address: "aws_cloudtrail.lake",
    },
  ],
  "CLOUDTRAIL.KmsEncrypted": [
    {
      why: "no key",
      json: mutated((_, at) => {
        delete at("aws_cloudtrail.lake")["kms_key_id"];
      }),
      address: "aws_cloudtrail.lake",
    },
  ],
  "SFN.Logging": [
    {
      why: "errors only",
      json: mutated((_, at) => {
        const sm = at("aws_sfn_state_machine.compact");
        sm["logging_configuration"] = { ...(sm["logging_configuration"] as object), level: "ERROR" };
      }),
      address: "aws_sfn_state_machine.compact",
    },
  ],
  "SFN.Tracing": [
    {
      why: "tracing off",
      json: mutated((_, at) => {
        at("aws_sfn_state_machine.compact")["tracing_configuration"] = { enabled: false };
      }),
      address: "aws_sfn_state_machine.compact",
    },
  ],
  "LOGS.Retention": [
    {
      why: "never expires",
      json: mutated((_, at) => {
        at("aws_cloudwatch_log_group.compact-sfn")["retention_in_days"] = 0;
      }),
      address: "aws_cloudwatch_log_group.compact-sfn",
    },
  ],
  "IAM.NoWildcardActions": [
    {
      why: "s3:* in an identity policy",
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push({
          actions: ["s3:*"],
          resources: [ref("aws_s3_bucket.zone.arn")],
        });
      }),
      address: "aws_iam_role_policy.ingest",
    },
    {
      why: "kms:* in a key policy",
      json: mutated((_, at) => {
        const [admin] = at("data.aws_iam_policy_document.key")["statement"] as Record<string, unknown>[];
        if (admin) admin["actions"] = ["kms:*"];
      }),
      address: "aws_kms_key.zone",
    },
    {
      why: "NotAction in an Allow",
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push({
          not_actions: ["iam:*"],
          resources: [ref("aws_s3_bucket.zone.arn")],
        });
      }),
      address: "aws_iam_role_policy.ingest",
    },
  ],
  "IAM.NoWildcardResources": [
    {
      why: 's3:GetObject on "*"',
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push({
          actions: ["s3:GetObject"],
          resources: ["*"],
        });
      }),
      address: "aws_iam_role_policy.ingest",
    },
    {
      why: "an excepted action in the same statement does not excuse the others",
      json: mutated((_, at) => {
        const statements = at("data.aws_iam_policy_document.ingest")["statement"] as Record<
          string,
          unknown
        >[];
        const xray = statements.at(-1);
        if (xray) xray["actions"] = ["xray:PutTraceSegments", "sqs:SendMessage"];
      }),
      address: "aws_iam_role_policy.ingest",
    },
  ],
  "IAM.NoAdminPolicy": [
    {
      why: '"*" on "*"',
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push({
          actions: ["*"],
          resources: ["*"],
        });
      }),
      address: "aws_iam_role_policy.ingest",
    },
  ],
  "IAM.NoAdministratorAccess": [
    {
      why: "attachment",
      json: mutated((_, at) => {
        at("aws_iam_role_policy_attachment.ingest-basic")["policy_arn"] =
          "arn:aws:iam::aws:policy/AdministratorAccess";
      }),
      address: "aws_iam_role_policy_attachment.ingest-basic",
    },
    {
      why: "managed_policy_arns",
      json: mutated((_, at) => {
        at("aws_iam_role.ingest")["managed_policy_arns"] = ["arn:aws:iam::aws:policy/AdministratorAccess"];
      }),
      address: "aws_iam_role.ingest",
    },
  ],
  "IAM.RoleBoundary": [
    {
      why: "no permissions_boundary",
      json: mutated((_, at) => {
        delete at("aws_iam_role.ingest")["permissions_boundary"];
      }),
      address: "aws_iam_role.ingest",
    },
  ],
  "IAM.StaticPolicy": [
    {
      why: "jsonencode of an HCL object",
      json: mutated((_, at) => {
        at("aws_iam_role_policy.ingest")["policy"] = '${jsonencode({"Statement" = []})}';
      }),
      address: "aws_iam_role_policy.ingest",
    },
  ],
  "ATHENA.EnforceWorkgroupConfiguration": [
    {
      why: "enforcement off",
      json: mutated((_, at) => {
        (at("aws_athena_workgroup.analysts")["configuration"] as Record<string, unknown>)[
          "enforce_workgroup_configuration"
        ] = false;
      }),
      address: "aws_athena_workgroup.analysts",
    },
  ],
  "ATHENA.ResultsKmsEncrypted": [
    {
      why: "SSE_S3 results",
      json: mutated((_, at) => {
        const config = at("aws_athena_workgroup.analysts")["configuration"] as Record<
          string,
          Record<string, unknown>
        >;
        if (config["result_configuration"])
          config["result_configuration"]["encryption_configuration"] = { encryption_option: "SSE_S3" };
      }),
      address: "aws_athena_workgroup.analysts",
    },
  ],
  "ATHENA.BytesScannedCutoff": [
    {
      why: "no cutoff",
      json: mutated((_, at) => {
        delete (at("aws_athena_workgroup.analysts")["configuration"] as Record<string, unknown>)[
          "bytes_scanned_cutoff_per_query"
        ];
      }),
      address: "aws_athena_workgroup.analysts",
    },
  ],
  "GLUE.CrawlerSecurityConfiguration": [
    {
      why: "no security configuration",
      json: mutated((_, at) => {
        delete at("aws_glue_crawler.orders")["security_configuration"];
      }),
      address: "aws_glue_crawler.orders",
    },
  ],
  "GLUE.JobSecurityConfiguration": [
    {
      why: "no security configuration",
      json: mutated((_, at) => {
        delete at("aws_glue_job.compact")["security_configuration"];
      }),
      address: "aws_glue_job.compact",
    },
  ],
  "GLUE.SecurityConfigurationKms": [
    {
      why: "SSE-S3 for S3 output",
      json: mutated((_, at) => {
        const enc = at("aws_glue_security_configuration.lake")["encryption_configuration"] as Record<
          string,
          unknown
        >;
        enc["s3_encryption"] = { s3_encryption_mode: "SSE-S3" };
      }),
      address: "aws_glue_security_configuration.lake",
    },
  ],
  "REDSHIFT.Encrypted": [
    {
      why: "not encrypted",
      json: mutated((_, at) => {
        at("aws_redshift_cluster.warehouse")["encrypted"] = false;
      }),
      address: "aws_redshift_cluster.warehouse",
    },
  ],
  "REDSHIFT.NotPublic": [
    {
      why: "cluster left at the provider default",
      json: mutated((_, at) => {
        delete at("aws_redshift_cluster.warehouse")["publicly_accessible"];
      }),
      address: "aws_redshift_cluster.warehouse",
    },
    {
      why: "public serverless workgroup",
      json: mutated((_, at) => {
        at("aws_redshiftserverless_workgroup.lake")["publicly_accessible"] = true;
      }),
      address: "aws_redshiftserverless_workgroup.lake",
    },
  ],
  "IAM.TrustNoBareAccountRoot": [
    {
      why: "the account root with no condition (CKV_AWS_61)",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.producer-trust")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement) delete statement["condition"];
      }),
      address: "aws_iam_role.producer",
    },
    {
      why: "the account root narrowed by a condition that admits everyone in it (source IP)",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.producer-trust")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement)
          statement["condition"] = [{ test: "IpAddress", variable: "aws:SourceIp", values: ["10.0.0.0/8"] }];
      }),
      address: "aws_iam_role.producer",
    },
    {
      why: 'the principal "*" in a literal JSON trust policy',
      json: mutated((_, at) => {
        at("aws_iam_role.ingest")["assume_role_policy"] = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
        });
      }),
      address: "aws_iam_role.ingest",
    },
    {
      why: "a bare account id as principal",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.lambda-trust")["statement"] as Record<
          string,
          unknown
        >[];
        if (statement) statement["principals"] = [{ type: "AWS", identifiers: ["123456789012"] }];
      }),
      address: "aws_iam_role.ingest",
    },
  ],
  "IAM.TrustOidcSubject": [
    {
      why: "a wildcard in the GitHub sub (CKV_AWS_358)",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.ci-trust")["statement"] as Record<
          string,
          unknown
        >[];
        const conditions = (statement?.["condition"] ?? []) as Record<string, unknown>[];
        conditions[1] = {
          test: "StringLike",
          variable: "token.actions.githubusercontent.com:sub",
          values: ["repo:acme/*"],
        };
      }),
      address: "aws_iam_role.ci",
    },
    {
      why: "no sub condition at all, only the audience",
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.ci-trust")["statement"] as Record<
          string,
          unknown
        >[];
        const conditions = (statement?.["condition"] ?? []) as Record<string, unknown>[];
        if (statement) statement["condition"] = conditions.slice(0, 1);
      }),
      address: "aws_iam_role.ci",
    },
  ],
  "IAM.NoWriteOnWildcardResources": [
    {
      why: 'an identity policy puts objects on "*" (CKV_AWS_290)',
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push({
          actions: ["s3:PutObject"],
          resources: ["*"],
        });
      }),
      address: "aws_iam_role_policy.ingest",
    },
    {
      why: 'a resource policy lets a service delete on "*"',
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.zone-bucket")["statement"] as unknown[]).push({
          effect: "Allow",
          actions: ["s3:DeleteObject"],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          resources: ["*"],
        });
      }),
      address: "aws_s3_bucket_policy.zone",
    },
  ],
  "KMS.KeyPolicyPrincipals": [
    {
      why: 'the principal "*" with no condition (CKV_AWS_33)',
      json: mutated((_, at) => {
        (at("data.aws_iam_policy_document.key")["statement"] as unknown[]).push({
          actions: ["kms:Decrypt"],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          resources: ["*"],
        });
      }),
      address: "aws_kms_key.zone",
    },
    {
      why: "the account root may decrypt with no condition",
      json: mutated((_, at) => {
        const statements = at("data.aws_iam_policy_document.key")["statement"] as Record<string, unknown>[];
        if (statements[1]) delete statements[1]["condition"];
      }),
      address: "aws_kms_key.zone",
    },
    {
      why: 'the account root gets "kms:*"',
      json: mutated((_, at) => {
        const [statement] = at("data.aws_iam_policy_document.key")["statement"] as Record<string, unknown>[];
        if (statement) statement["actions"] = ["kms:*"];
      }),
      address: "aws_kms_key.zone",
    },
  ],
  "REDSHIFT.AuditLogging": [
    {
      why: "no aws_redshift_logging",
      json: mutated((json) => {
        delete json.resource["aws_redshift_logging"];
      }),
      address: "aws_redshift_cluster.warehouse",
    },
    {
      why: "serverless namespace exports no user log",
      json: mutated((_, at) => {
        at("aws_redshiftserverless_namespace.lake")["log_exports"] = ["connectionlog"];
      }),
      address: "aws_redshiftserverless_namespace.lake",
    },
  ],
  "REDSHIFT.RequireSsl": [
    {
      why: "parameter group allows plain connections",
      json: mutated((_, at) => {
        at("aws_redshift_parameter_group.warehouse")["parameter"] = [{ name: "require_ssl", value: "false" }];
      }),
      address: "aws_redshift_cluster.warehouse",
    },
    {
      why: "default parameter group",
      json: mutated((_, at) => {
        delete at("aws_redshift_cluster.warehouse")["cluster_parameter_group_name"];
      }),
      address: "aws_redshift_cluster.warehouse",
    },
  ],
};

function findings(rule: Rule, stack: StackIndex) {
  const all = rule.check(stack);
  return {
    compliant: all.filter((f) => f.status === "compliant").map((f) => f.address),
    failing: all.filter((f) => f.status === "non_compliant").map((f) => f.address),
  };
}

describe("the rule pack", () => {
  it("has at least 30 rules, each with a unique id, a title, an explanation and a failing fixture", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.title.length, rule.id).toBeGreaterThan(10);
      expect(rule.explanation.length, rule.id).toBeGreaterThan(30);
      expect(FAILING[rule.id]?.length ?? 0, `${rule.id} has no failing fixture`).toBeGreaterThan(0);
    }
    expect(Object.keys(FAILING).filter((id) => !ruleById(id))).toEqual([]);
  });

  it("is listed in the README, one row per rule", () => {
    const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| `([A-Za-z0-9.]+)`\s+\|/gm)].map((m) => m[1]);

    expect(rows).toEqual(RULES.map((r) => r.id));
  });

  it("mirrors only checkov or cdk-nag ids", () => {
    for (const rule of RULES)
      for (const id of [rule.mirrors, ...(rule.seeAlso ?? [])].filter((m) => m !== undefined))
        expect(id, rule.id).toMatch(/^(CKV2?_AWS_\d+|AwsSolutions-[A-Z0-9]+)$/);
  });
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
  it("passes compliant.json with at least one compliant resource", () => {
    const result = findings(rule, index(compliantJson()));

    expect(result.failing).toEqual([]);
    expect(result.compliant.length).toBeGreaterThan(0);
  });

  it.each((FAILING[rule.id] ?? []).map((c) => [c.why, c] as const))("fails when %s", (_why, c) => {
    const result = findings(rule, index(c.json));

    expect(result.failing).toContain(c.address);
  });
});

describe("exceptions built into the rules", () => {
  it("S3.KmsEncryption accepts SSE-S3 on a bucket another bucket's access logs target", () => {
    const stack = stackOf({
      aws_s3_bucket: { logs: { bucket: "logs" }, data: { bucket: "data" } },
      aws_s3_bucket_server_side_encryption_configuration: {
        logs: {
          bucket: ref("aws_s3_bucket.logs.id"),
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        },
      },
      aws_s3_bucket_logging: {
        data: { bucket: ref("aws_s3_bucket.data.id"), target_bucket: ref("aws_s3_bucket.logs.id") },
      },
    });

    const result = ruleById("S3.KmsEncryption")?.check(stack) ?? [];

    expect(result.find((f) => f.address === "aws_s3_bucket.logs")).toMatchObject({
      status: "compliant",
      message: "SSE-S3 on an access-log target (target of aws_s3_bucket_logging.data)",
    });
    expect(result.find((f) => f.address === "aws_s3_bucket.data")?.status).toBe("non_compliant");
  });

  it("S3.KmsEncryption accepts SSE-S3 when the bucket policy admits the S3 logging service", () => {
    const stack = stackOf(
      {
        aws_s3_bucket: { logs: { bucket: "logs" } },
        aws_s3_bucket_server_side_encryption_configuration: {
          logs: {
            bucket: "logs",
            rule: { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
          },
        },
        aws_s3_bucket_policy: {
          logs: { bucket: "logs", policy: ref("data.aws_iam_policy_document.logs.json") },
        },
      },
      {
        aws_iam_policy_document: {
          logs: {
            statement: [
              {
                actions: ["s3:PutObject"],
                principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
                resources: ["arn:aws:s3:::logs/*"],
              },
            ],
          },
        },
      },
    );

    expect(ruleById("S3.KmsEncryption")?.check(stack)).toMatchObject([{ status: "compliant" }]);
  });

  it("S3.TlsOnly reads literal, partition-aware bucket ARNs", () => {
    const json = mutated((_, at) => {
      const [statement] = at("data.aws_iam_policy_document.zone-bucket")["statement"] as Record<
        string,
        unknown
      >[];
      if (statement)
        statement["resources"] = [
          "arn:${data.aws_partition.p.partition}:s3:::lake-raw",
          "arn:${data.aws_partition.p.partition}:s3:::lake-raw/*",
        ];
    });

    expect(findings(ruleById("S3.TlsOnly") as Rule, index(json)).compliant).toEqual(["aws_s3_bucket.zone"]);
  });

  it("S3.NoArchiveTransitionsForAthena is not applicable to buckets nothing in Glue reads", () => {
    const json = mutated((json, at) => {
      delete json.resource["aws_glue_catalog_table"];
      delete json.resource["aws_glue_crawler"];
      (at("aws_s3_bucket_lifecycle_configuration.zone")["rule"] as unknown[]).push({
        id: "archive",
        status: "Enabled",
        transition: [{ days: 90, storage_class: "DEEP_ARCHIVE" }],
      });
    });

    expect(ruleById("S3.NoArchiveTransitionsForAthena")?.check(index(json))).toMatchObject([
      { status: "not_applicable", address: "aws_s3_bucket.zone" },
    ]);
  });

  it("S3.NoArchiveTransitionsForAthena accepts Glacier Instant Retrieval, which Athena can read", () => {
    const json = mutated((_, at) => {
      (at("aws_s3_bucket_lifecycle_configuration.zone")["rule"] as unknown[]).push({
        id: "instant",
        status: "Enabled",
        transition: [{ days: 90, storage_class: "GLACIER_IR" }],
      });
    });

    expect(findings(ruleById("S3.NoArchiveTransitionsForAthena") as Rule, index(json)).failing).toEqual([]);
  });

  it('IAM.NoWildcardResources accepts "*" for X-Ray and reports the exception', () => {
    const result = ruleById("IAM.NoWildcardResources")?.check(index(compliantJson()));

    expect(result?.find((f) => f.address === "aws_iam_role_policy.ingest")?.message).toBe(
      'policy: "*" only for xray:PutTraceSegments, xray:PutTelemetryRecords (no narrower resource exists) (data.aws_iam_policy_document.ingest)',
    );
  });

  it('IAM.NoWildcardResources leaves key policies alone: there "*" means "this key"', () => {
    const result = ruleById("IAM.NoWildcardResources")?.check(index(compliantJson()));

    expect(result?.find((f) => f.address === "aws_kms_key.zone")?.status).toBe("not_applicable");
  });

  it("IAM.NoWildcardActions accepts wildcards in Deny statements", () => {
    const result = ruleById("IAM.NoWildcardActions")?.check(index(compliantJson()));

    expect(result?.find((f) => f.address === "aws_s3_bucket_policy.zone")?.status).toBe("compliant");
  });

  it("SQS.DeadLetterQueue and LAMBDA.AsyncFailureDestination are not applicable where they cannot apply", () => {
    const stack = index(compliantJson());

    expect(
      ruleById("SQS.DeadLetterQueue")
        ?.check(stack)
        .find((f) => f.address === "aws_sqs_queue.dlq"),
    ).toMatchObject({
      status: "not_applicable",
      message: "is a dead-letter queue (dead-letter queue of aws_sqs_queue.ingest)",
    });
    expect(
      ruleById("LAMBDA.AsyncFailureDestination")
        ?.check(stack)
        .find((f) => f.address === "aws_lambda_function.ingest"),
    ).toMatchObject({ status: "not_applicable", message: "not invoked asynchronously" });
  });

  it("SQS.DeadLetterQueue treats a Lambda on-failure destination as a dead-letter queue", () => {
    const json = mutated((_, at) => {
      delete at("aws_sqs_queue.ingest")["redrive_policy"];
    });

    expect(ruleById("SQS.DeadLetterQueue")?.check(index(json))).toEqual([
      expect.objectContaining({
        address: "aws_sqs_queue.dlq",
        status: "not_applicable",
        message:
          "is a dead-letter queue (failure destination of aws_lambda_function_event_invoke_config.notify)",
      }),
      expect.objectContaining({ address: "aws_sqs_queue.ingest", status: "non_compliant" }),
    ]);
  });

  it("SQS.VisibilityTimeoutCoversConsumer reports the exact numbers", () => {
    const json = mutated((_, at) => {
      at("aws_sqs_queue.ingest")["visibility_timeout_seconds"] = 179;
    });

    expect(ruleById("SQS.VisibilityTimeoutCoversConsumer")?.check(index(json))).toContainEqual(
      expect.objectContaining({
        status: "non_compliant",
        message: "visibility timeout too short: 179s < 6 x 30s (aws_lambda_function.ingest); needs >= 180s",
      }),
    );
  });

  it("IAM.TrustOidcSubject is not applicable to trust policies without a federated principal", () => {
    const result = ruleById("IAM.TrustOidcSubject")?.check(index(compliantJson()));

    expect(result?.map((f) => [f.address, f.status])).toEqual([
      ["aws_iam_role.ci", "compliant"],
      ["aws_iam_role.producer", "not_applicable"],
      ["aws_iam_role.ingest", "not_applicable"],
    ]);
  });

  it('IAM.NoWriteOnWildcardResources accepts a write on "*" that a condition scopes, and reads as reads', () => {
    const json = mutated((_, at) => {
      (at("data.aws_iam_policy_document.ingest")["statement"] as unknown[]).push(
        {
          actions: ["cloudwatch:PutMetricData", "ec2:DeleteNetworkInterface"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["lake"] }],
        },
        { actions: ["glue:GetTables", "s3:ListAllMyBuckets", "ec2:DescribeVpcs"], resources: ["*"] },
      );
    });

    expect(
      ruleById("IAM.NoWriteOnWildcardResources")
        ?.check(index(json))
        .find((f) => f.address === "aws_iam_role_policy.ingest")?.status,
    ).toBe("compliant");
  });

  it("KMS.KeyPolicyPrincipals names the statement and the use actions it gives the root", () => {
    const json = mutated((_, at) => {
      const statements = at("data.aws_iam_policy_document.key")["statement"] as Record<string, unknown>[];
      if (statements[1]) delete statements[1]["condition"];
    });

    expect(ruleById("KMS.KeyPolicyPrincipals")?.check(index(json))).toEqual([
      expect.objectContaining({
        status: "non_compliant",
        message:
          "policy (data.aws_iam_policy_document.key): AccountUsesThroughS3 lets the account root kms:Decrypt, kms:GenerateDataKey* with no condition",
      }),
    ]);
  });

  it("every rule reports nothing, not an error, on a stack without its resource types", () => {
    const empty = stackOf({});

    for (const rule of RULES) expect(rule.check(empty), rule.id).toEqual([]);
  });
});
