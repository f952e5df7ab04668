import { type Block, booleanOf, dig, many, numberOf, type StackIndex } from "../../terraform/json.js";
import { compliant, nonCompliant, verdict } from "../engine.js";
import type { Rule } from "../types.js";

const WORKGROUP = "aws_athena_workgroup";
const CLUSTER = "aws_redshift_cluster";
const SERVERLESS_WORKGROUP = "aws_redshiftserverless_workgroup";
const NAMESPACE = "aws_redshiftserverless_namespace";

function securityConfigurationRule(
  id: string,
  type: "aws_glue_crawler" | "aws_glue_job",
  what: string,
): Rule {
  return {
    id,
    level: "error",
    title: `Glue ${what}s run with a security configuration`,
    explanation: `Without security_configuration a Glue ${what} writes its CloudWatch logs${type === "aws_glue_job" ? ", job bookmarks and S3 output" : ""} without our keys. Set security_configuration to an aws_glue_security_configuration that uses SSE-KMS/CSE-KMS.`,
    mirrors: "CKV_AWS_195",
    seeAlso: ["AwsSolutions-GL1"],
    check: (stack) =>
      stack.resources(type).map((r) => {
        const config = r.body["security_configuration"];
        return verdict(
          r,
          typeof config === "string" && config !== "",
          `security configuration ${stack.target(config)?.address ?? String(config)}`,
          "has no security_configuration",
        );
      }),
  };
}

/** The `require_ssl` value a Redshift cluster runs with, from the parameter group it resolves to. */
function requireSsl(stack: StackIndex, cluster: Block): { ok: boolean; detail: string } {
  const groupName = cluster.body["cluster_parameter_group_name"];
  if (groupName === undefined)
    return { ok: false, detail: "uses the default parameter group (require_ssl false)" };
  const group = stack.resolve("aws_redshift_parameter_group", groupName);
  if (!group)
    return { ok: false, detail: `parameter group ${String(groupName)} is not defined in this stack` };
  const value = many(group.body["parameter"]).find((p) => p["name"] === "require_ssl")?.["value"];
  return booleanOf(value) === true
    ? { ok: true, detail: `${group.address} sets require_ssl true` }
    : { ok: false, detail: `${group.address} does not set require_ssl to true` };
}

export const analyticsRules: readonly Rule[] = [
  {
    id: "ATHENA.EnforceWorkgroupConfiguration",
    level: "error",
    title: "Athena workgroups enforce their configuration",
    explanation:
      "Otherwise a client may override the result location and encryption per query. Leave configuration.enforce_workgroup_configuration at true (the provider default) or set it explicitly; never false.",
    mirrors: "CKV_AWS_82",
    check: (stack) =>
      stack.resources(WORKGROUP).map((wg) => {
        const enforce = dig(wg.body, "configuration", "enforce_workgroup_configuration");
        return verdict(
          wg,
          enforce === undefined || booleanOf(enforce) === true,
          "enforces the workgroup configuration",
          "enforce_workgroup_configuration is false: clients can turn encryption off",
        );
      }),
  },
  {
    id: "ATHENA.ResultsKmsEncrypted",
    level: "error",
    title: "Athena query results are encrypted with KMS",
    explanation:
      "Query results are copies of lake data. Set configuration.result_configuration.encryption_configuration with SSE_KMS (or CSE_KMS) and kms_key_arn.",
    mirrors: "AwsSolutions-ATH1",
    seeAlso: ["CKV_AWS_159"],
    check: (stack) =>
      stack.resources(WORKGROUP).map((wg) => {
        const enc = dig(wg.body, "configuration", "result_configuration", "encryption_configuration");
        const option = dig(enc, "encryption_option");
        const key = dig(enc, "kms_key_arn");
        const kms = option === "SSE_KMS" || option === "CSE_KMS";
        return verdict(
          wg,
          kms && typeof key === "string" && key !== "",
          `results ${String(option)} with ${stack.target(key)?.address ?? String(key)}`,
          option === undefined
            ? "results are not encrypted"
            : `results use ${String(option)}${kms ? " without kms_key_arn" : ", not KMS"}`,
        );
      }),
  },
  {
    id: "ATHENA.BytesScannedCutoff",
    level: "error",
    title: "Athena workgroups cap the bytes one query may scan",
    explanation:
      "A query without partition filters can scan the whole lake and bill for it. Set configuration.bytes_scanned_cutoff_per_query (minimum 10 MB).",
    check: (stack) =>
      stack.resources(WORKGROUP).map((wg) => {
        const cutoff = numberOf(dig(wg.body, "configuration", "bytes_scanned_cutoff_per_query"));
        return verdict(
          wg,
          cutoff !== undefined && cutoff >= 10_485_760,
          `queries stop after ${cutoff} bytes`,
          "bytes_scanned_cutoff_per_query is not set (or below Athena's 10 MB minimum)",
        );
      }),
  },
  securityConfigurationRule("GLUE.CrawlerSecurityConfiguration", "aws_glue_crawler", "crawler"),
  securityConfigurationRule("GLUE.JobSecurityConfiguration", "aws_glue_job", "job"),
  {
    id: "GLUE.SecurityConfigurationKms",
    level: "error",
    title: "Glue security configurations use KMS for CloudWatch logs, job bookmarks and S3",
    explanation:
      "cloudwatch_encryption SSE-KMS, job_bookmarks_encryption CSE-KMS and s3_encryption SSE-KMS. SSE-S3 is not enough: Glue would write objects with SSE-S3 headers, overriding the zone bucket's KMS default.",
    mirrors: "CKV_AWS_99",
    seeAlso: ["AwsSolutions-GL1", "AwsSolutions-GL3"],
    check: (stack) =>
      stack.resources("aws_glue_security_configuration").map((sc) => {
        const enc = dig(sc.body, "encryption_configuration");
        const modes = {
          cloudwatch: [dig(enc, "cloudwatch_encryption", "cloudwatch_encryption_mode"), "SSE-KMS"],
          "job bookmarks": [dig(enc, "job_bookmarks_encryption", "job_bookmarks_encryption_mode"), "CSE-KMS"],
          s3: [dig(enc, "s3_encryption", "s3_encryption_mode"), "SSE-KMS"],
        } as const;
        const wrong = Object.entries(modes)
          .filter(([, [mode, wanted]]) => mode !== wanted)
          .map(([what, [mode, wanted]]) => `${what} ${String(mode ?? "unset")} (want ${wanted})`);
        return verdict(sc, wrong.length === 0, "KMS for logs, bookmarks and S3", wrong.join(", "));
      }),
  },
  {
    id: "REDSHIFT.Encrypted",
    level: "error",
    title: "Redshift clusters are encrypted at rest",
    explanation:
      "Set encrypted = true (with kms_key_id for a customer-managed key). Serverless namespaces are always encrypted.",
    mirrors: "CKV_AWS_64",
    seeAlso: ["AwsSolutions-RS6"],
    check: (stack) => [
      ...stack
        .resources(CLUSTER)
        .map((c) =>
          verdict(c, booleanOf(c.body["encrypted"]) === true, "encrypted", "encrypted is not true"),
        ),
      ...stack
        .resources(NAMESPACE)
        .map((n) =>
          compliant(
            n,
            `always encrypted${n.body["kms_key_id"] ? ` with ${stack.target(n.body["kms_key_id"])?.address ?? "kms_key_id"}` : ""}`,
          ),
        ),
    ],
  },
  {
    id: "REDSHIFT.NotPublic",
    level: "error",
    title: "Redshift is not publicly accessible",
    explanation:
      "A public endpoint exposes the warehouse to the internet behind a password. Set publicly_accessible = false explicitly on clusters (the provider's default was true) and never true on serverless workgroups.",
    mirrors: "CKV_AWS_87",
    seeAlso: ["AwsSolutions-RS8"],
    check: (stack) => [
      ...stack
        .resources(CLUSTER)
        .map((c) =>
          verdict(
            c,
            booleanOf(c.body["publicly_accessible"]) === false,
            "not publicly accessible",
            "publicly_accessible is not false",
          ),
        ),
      ...stack
        .resources(SERVERLESS_WORKGROUP)
        .map((w) =>
          verdict(
            w,
            booleanOf(w.body["publicly_accessible"]) !== true,
            "not publicly accessible",
            "publicly_accessible is true",
          ),
        ),
    ],
  },
  {
    id: "REDSHIFT.AuditLogging",
    level: "error",
    title: "Redshift writes audit logs",
    explanation:
      "Connection and user logs show who queried the warehouse. Clusters: an aws_redshift_logging for the cluster (or logging { enable = true }). Serverless namespaces: log_exports with connectionlog and userlog.",
    mirrors: "CKV_AWS_71",
    seeAlso: ["AwsSolutions-RS5"],
    check: (stack) => [
      ...stack.resources(CLUSTER).map((c) => {
        const separate = stack.attached(c, "aws_redshift_logging", "cluster_identifier");
        const inline = booleanOf(dig(c.body, "logging", "enable")) === true;
        return verdict(
          c,
          separate.length > 0 || inline,
          "audit logging on",
          "no aws_redshift_logging and logging.enable is not true",
        );
      }),
      ...stack.resources(NAMESPACE).map((n) => {
        const exports = Array.isArray(n.body["log_exports"]) ? n.body["log_exports"].map(String) : [];
        const missing = ["connectionlog", "userlog"].filter((l) => !exports.includes(l));
        return verdict(
          n,
          missing.length === 0,
          `exports ${exports.join(", ")}`,
          `log_exports lacks ${missing.join(", ")}`,
        );
      }),
    ],
  },
  {
    id: "REDSHIFT.RequireSsl",
    level: "error",
    title: "Redshift requires TLS for client connections",
    explanation:
      "Clusters: a parameter group with require_ssl = true, attached via cluster_parameter_group_name (the default group allows plain connections). Serverless: never set config_parameter require_ssl to false.",
    mirrors: "CKV_AWS_105",
    seeAlso: ["AwsSolutions-RS1"],
    check: (stack) => [
      ...stack.resources(CLUSTER).map((c) => {
        const ssl = requireSsl(stack, c);
        return ssl.ok ? compliant(c, ssl.detail) : nonCompliant(c, ssl.detail);
      }),
      ...stack.resources(SERVERLESS_WORKGROUP).map((w) => {
        const value = many(w.body["config_parameter"]).find((p) => p["parameter_key"] === "require_ssl")?.[
          "parameter_value"
        ];
        return verdict(
          w,
          booleanOf(value) !== false,
          "require_ssl on (default)",
          "config_parameter require_ssl is false",
        );
      }),
    ],
  },
];
