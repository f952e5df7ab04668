import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { loadConfig } from "../config/index.js";
import { loadPipelines } from "../pipelines/index.js";
import { loadOutdir } from "../terraform/json.js";
import { evaluate, type Report } from "./engine.js";
import { RULES } from "./rules/index.js";
import { SUPPRESSIONS, suppressionMatches } from "./suppressions.js";

/**
 * Findings on the project's own stacks that are real problems, each waiting for a fix in the stack (not a
 * suppression). This list must only shrink: a new finding fails the test, and so does a fixed one still listed.
 */
const KNOWN_OPEN_FINDINGS: readonly string[] = [];

let outdir: string;
let report: Report;
let evaluationMs: number;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), "event-lake-policy-synth-"));
  const config = loadConfig({ env: { EVENT_LAKE_LOCAL_STATE_DIR: join(outdir, "local-state") } });
  buildApp({
    config,
    pipelines: await loadPipelines(),
    outdir,
    bootstrapStateDir: join(outdir, "bootstrap-state"),
  }).synth();
  const started = performance.now();
  report = evaluate(loadOutdir(outdir), RULES, SUPPRESSIONS, suppressionMatches);
  evaluationMs = performance.now() - started;
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe("the project's synthesized stacks", () => {
  it("checks every environment and the bootstrap stack", () => {
    expect([...new Set(report.results.map((r) => r.stack))]).toEqual([
      "bootstrap",
      "local",
      "sandbox",
      "test",
    ]);
    expect(report.summary.checks).toBeGreaterThan(0);
  });

  it("have no unsuppressed findings beyond the known open ones", () => {
    const open = report.results
      .filter((r) => r.finding.status === "non_compliant" && !r.suppression)
      .map((r) => `${r.stack} ${r.rule.id} ${r.finding.address}`);

    expect(open).toEqual(KNOWN_OPEN_FINDINGS);
  });

  it("suppress only what a listed suppression covers, each with its reason", () => {
    const suppressed = report.results.filter((r) => r.suppression);

    expect(suppressed.every((r) => (r.suppression?.reason.length ?? 0) > 20)).toBe(true);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it("are checked well under a second", () => {
    expect(evaluationMs).toBeLessThan(1000);
  });
});

describe("the stacks with every feature on", () => {
  let allOn: Report;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "event-lake-policy-features-"));
    const on = (env: string) => ({
      [`EVENT_LAKE_${env}_FEATURES_NAT_GATEWAY`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_LAMBDAS_IN_VPC`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_QUICKSIGHT_ATHENA`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_QUICKSIGHT_REDSHIFT`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_SAGEMAKER`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_LAKE_FORMATION`]: "true",
      [`EVENT_LAKE_${env}_FEATURES_TRAIL_CLOUD_WATCH_LOGS`]: "true",
    });
    const config = loadConfig({
      env: {
        EVENT_LAKE_LOCAL_STATE_DIR: join(dir, "local-state"),
        ...on("TEST"),
        EVENT_LAKE_TEST_FEATURES_REDSHIFT: "provisioned",
        ...on("SANDBOX"),
        ...on("LOCAL"),
      },
    });
    buildApp({
      config,
      pipelines: await loadPipelines(),
      outdir: dir,
      bootstrapStateDir: join(dir, "bootstrap-state"),
    }).synth();
    allOn = evaluate(loadOutdir(dir), RULES, SUPPRESSIONS, suppressionMatches);
    rmSync(dir, { recursive: true, force: true });
  });

  it("have no unsuppressed findings either (provisioned Redshift in test, Serverless in sandbox)", () => {
    const open = allOn.results
      .filter((r) => r.finding.status === "non_compliant" && !r.suppression)
      .map((r) => `${r.stack} ${r.rule.id} ${r.finding.address}: ${r.finding.message}`);

    expect(open).toEqual([]);
    expect(allOn.summary.checks).toBeGreaterThan(report.summary.checks);
  });
});
