import { booleanOf, dig, numberOf } from "../../terraform/json.js";
import { notApplicable, verdict } from "../engine.js";
import type { Rule } from "../types.js";

export const platformRules: readonly Rule[] = [
  {
    id: "KMS.Rotation",
    level: "error",
    title: "Symmetric customer-managed keys rotate automatically",
    explanation:
      "Yearly rotation limits how much data one key version protects. Set enable_key_rotation = true. Asymmetric and HMAC keys cannot rotate and are not applicable.",
    mirrors: "CKV_AWS_7",
    seeAlso: ["AwsSolutions-KMS5"],
    check: (stack) =>
      stack.resources("aws_kms_key").map((key) => {
        const spec = String(key.body["customer_master_key_spec"] ?? "SYMMETRIC_DEFAULT");
        if (spec !== "SYMMETRIC_DEFAULT") return notApplicable(key, `${spec} keys cannot rotate`);
        return verdict(
          key,
          booleanOf(key.body["enable_key_rotation"]) === true,
          "rotation enabled",
          "enable_key_rotation is not true",
        );
      }),
  },
  {
    id: "CLOUDTRAIL.LogFileValidation",
    level: "error",
    title: "Trails validate their log files",
    explanation:
      "Digest files prove the trail's logs were not altered or deleted. Set enable_log_file_validation = true.",
    mirrors: "CKV_AWS_36",
    check: (stack) =>
      stack
        .resources("aws_cloudtrail")
        .map((t) =>
          verdict(
            t,
            booleanOf(t.body["enable_log_file_validation"]) === true,
            "log file validation on",
            "enable_log_file_validation is not true",
          ),
        ),
  },
  {
    id: "CLOUDTRAIL.MultiRegion",
    level: "error",
    title: "Trails cover every region",
    explanation:
      "Activity in a region nobody watches is where misuse hides. Set is_multi_region_trail = true.",
    mirrors: "CKV_AWS_67",
    check: (stack) =>
      stack
        .resources("aws_cloudtrail")
        .map((t) =>
          verdict(
            t,
            booleanOf(t.body["is_multi_region_trail"]) === true,
            "multi-region",
            "is_multi_region_trail is not true",
          ),
        ),
  },
  {
    id: "CLOUDTRAIL.KmsEncrypted",
    level: "error",
    title: "Trail logs are encrypted with a customer-managed KMS key",
    explanation: "Set kms_key_id so reading the audit trail needs the key as well as the bucket.",
    mirrors: "CKV_AWS_35",
    check: (stack) =>
      stack.resources("aws_cloudtrail").map((t) => {
        const key = t.body["kms_key_id"];
        return verdict(
          t,
          typeof key === "string" && key !== "",
          `encrypted with ${stack.target(key)?.address ?? String(key)}`,
          "has no kms_key_id",
        );
      }),
  },
  {
    id: "SFN.Logging",
    level: "error",
    title: "State machines log ALL events to CloudWatch Logs",
    explanation:
      "Execution history lasts 90 days and is hard to search; logs show every state transition. Set logging_configuration with level ALL and log_destination (a log group ARN ending in :*).",
    mirrors: "CKV_AWS_285",
    seeAlso: ["AwsSolutions-SF1"],
    check: (stack) =>
      stack.resources("aws_sfn_state_machine").map((sm) => {
        const level = dig(sm.body, "logging_configuration", "level");
        const destination = dig(sm.body, "logging_configuration", "log_destination");
        return verdict(
          sm,
          level === "ALL" && typeof destination === "string" && destination !== "",
          `logs ALL to ${String(destination)}`,
          `logging level ${String(level ?? "unset (OFF)")}${destination ? "" : ", no log_destination"}`,
        );
      }),
  },
  {
    id: "SFN.Tracing",
    level: "error",
    title: "State machines have X-Ray tracing enabled",
    explanation:
      "Set tracing_configuration { enabled = true } so a trace follows the workflow into its Lambdas and Glue jobs.",
    mirrors: "CKV_AWS_284",
    seeAlso: ["AwsSolutions-SF2"],
    check: (stack) =>
      stack
        .resources("aws_sfn_state_machine")
        .map((sm) =>
          verdict(
            sm,
            booleanOf(dig(sm.body, "tracing_configuration", "enabled")) === true,
            "tracing enabled",
            "tracing_configuration.enabled is not true",
          ),
        ),
  },
  {
    id: "LOGS.Retention",
    level: "error",
    title: "Log groups have a retention",
    explanation:
      "Logs kept forever cost money and hold data longer than needed. Set retention_in_days (0 means never expire).",
    mirrors: "CKV_AWS_66",
    check: (stack) =>
      stack.resources("aws_cloudwatch_log_group").map((g) => {
        const days = numberOf(g.body["retention_in_days"]);
        return verdict(
          g,
          days !== undefined && days > 0,
          `retention ${days} days`,
          "retention_in_days is not set (logs never expire)",
        );
      }),
  },
];
