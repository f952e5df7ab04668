import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { loadConfig } from "../config/index.js";
import { loadPipelines } from "../pipelines/index.js";
import { evaluate, loadOutdir, type Report } from "./engine.js";
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
