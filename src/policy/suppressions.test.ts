import { describe, expect, it } from "vitest";
import { evaluate } from "./engine.js";
import { index, mutated } from "./fixtures/index.js";
import { RULES } from "./rules/index.js";
import {
  globToRegExp,
  SUPPRESSIONS,
  SuppressionError,
  suppressionMatches,
  validateSuppressions,
} from "./suppressions.js";
import type { Suppression } from "./types.js";

const ruleIds = RULES.map((r) => r.id);

describe("validateSuppressions", () => {
  it("rejects a suppression without a reason, or with only whitespace", () => {
    const noReason = { ruleId: "S3.AccessLogs", address: "aws_s3_bucket.x" } as Suppression;
    const blank: Suppression = { ruleId: "S3.AccessLogs", address: "aws_s3_bucket.y", reason: "  " };

    expect(() => validateSuppressions([noReason], ruleIds)).toThrow(SuppressionError);
    expect(() => validateSuppressions([blank], ruleIds)).toThrow(
      "suppression 0 (S3.AccessLogs aws_s3_bucket.y): has no reason",
    );
  });

  it("lists every problem at once, unknown rule ids and empty addresses included", () => {
    const bad: Suppression[] = [
      { ruleId: "S3.Nope", address: "aws_s3_bucket.x", reason: "r" },
      { ruleId: "S3.AccessLogs", address: "", reason: "" },
    ];

    expect(() => validateSuppressions(bad, ruleIds)).toThrow(
      expect.objectContaining({
        problems: [
          'suppression 0 (S3.Nope aws_s3_bucket.x): unknown rule id "S3.Nope"',
          "suppression 1 (S3.AccessLogs ?): has no reason",
          "suppression 1 (S3.AccessLogs ?): has no address",
        ],
      }),
    );
  });

  it("accepts the project's own suppressions", () => {
    expect(validateSuppressions(SUPPRESSIONS, ruleIds)).toBe(SUPPRESSIONS);
  });

  it("cites the local-compatibility gap for the local TLS exception", () => {
    const tls = SUPPRESSIONS.find((s) => s.ruleId === "S3.TlsOnly");

    expect(tls).toMatchObject({ stack: "local", address: "aws_s3_bucket.*" });
    expect(tls?.reason).toMatch(/^local gap s3-secure-transport: moto .* aws:SecureTransport/);
  });
});

describe("matching", () => {
  it("treats * and ? as globs and everything else literally", () => {
    expect(globToRegExp("aws_s3_bucket.zone-logs_*").test("aws_s3_bucket.zone-logs_bucket_2CED669B")).toBe(
      true,
    );
    expect(globToRegExp("aws_s3_bucket.zone-logs_*").test("aws_s3_bucket.zone-drop_bucket_2CC08DED")).toBe(
      false,
    );
    expect(globToRegExp("aws_s3_bucket.a?").test("aws_s3_bucket.ab")).toBe(true);
    expect(globToRegExp("aws_s3_bucket.a").test("aws_s3_bucketXa")).toBe(false);
  });

  it("honours the rule id and the stack", () => {
    const s: Suppression = { ruleId: "S3.TlsOnly", stack: "local", address: "aws_s3_bucket.*", reason: "r" };

    expect(suppressionMatches(s, "local", "S3.TlsOnly", "aws_s3_bucket.b")).toBe(true);
    expect(suppressionMatches(s, "test", "S3.TlsOnly", "aws_s3_bucket.b")).toBe(false);
    expect(suppressionMatches(s, "local", "S3.Versioning", "aws_s3_bucket.b")).toBe(false);
  });
});

describe("evaluate with suppressions", () => {
  const failing = mutated((json) => {
    delete json.resource["aws_s3_bucket_logging"];
  });

  it("lists suppressed findings with their reason and leaves them out of the count", () => {
    const suppression: Suppression = {
      ruleId: "S3.AccessLogs",
      address: "aws_s3_bucket.zone",
      reason: "logs go to the organization's central bucket",
    };

    const report = evaluate([index(failing)], RULES, [suppression], suppressionMatches);

    expect(report.results.filter((r) => r.suppression)).toMatchObject([
      {
        stack: "fixture",
        rule: { id: "S3.AccessLogs" },
        finding: { address: "aws_s3_bucket.zone" },
        suppression,
      },
    ]);
    expect(report.summary).toMatchObject({ rules: RULES.length, findings: 0, errors: 0, suppressed: 1 });
    expect(report.unusedSuppressions).toEqual([]);
  });

  it("counts unsuppressed findings and reports suppressions that matched nothing", () => {
    const elsewhere: Suppression = { ruleId: "S3.AccessLogs", stack: "other", address: "*", reason: "r" };

    const report = evaluate([index(failing)], RULES, [elsewhere], suppressionMatches);

    expect(report.summary).toMatchObject({ findings: 1, errors: 1, warnings: 0, suppressed: 0 });
    expect(report.unusedSuppressions).toEqual([elsewhere]);
  });

  it("records not_applicable for a rule that found nothing to check", () => {
    const report = evaluate([index(failing)], RULES, [], suppressionMatches);

    expect(report.results.filter((r) => r.finding.address === "(stack)")).toEqual([]);
    const empty = evaluate([index({ resource: {}, data: {} }, "empty")], RULES, [], suppressionMatches);
    expect(empty.results).toHaveLength(RULES.length);
    expect(
      empty.results.every((r) => r.finding.status === "not_applicable" && r.finding.address === "(stack)"),
    ).toBe(true);
    expect(empty.summary).toMatchObject({ checks: 0, findings: 0 });
  });
});
