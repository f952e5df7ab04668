import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadOutdir } from "../terraform/json.js";
import { evaluate, type Report, type Result } from "./engine.js";
import { RULES } from "./rules/index.js";
import { SUPPRESSIONS, suppressionMatches, validateSuppressions } from "./suppressions.js";
import type { Rule, Suppression } from "./types.js";

const USAGE = "usage: node --import tsx src/policy/cli.ts [--verbose] [cdktf.out]";

export interface RunOptions {
  readonly rules?: readonly Rule[];
  readonly suppressions?: readonly Suppression[];
}

/**
 * Checks every stack under `<outdir>/stacks/*` and prints one table per stack, the suppressions applied and a
 * summary. Returns the exit code: 0 clean, 1 unsuppressed error findings, 2 usage or configuration problems.
 */
export function main(
  argv: readonly string[],
  print: (line: string) => void,
  options: RunOptions = {},
): number {
  const verbose = argv.includes("--verbose");
  const positional = argv.filter((a) => !a.startsWith("--"));
  if (positional.length > 1 || argv.some((a) => a.startsWith("--") && a !== "--verbose")) {
    print(USAGE);
    return 2;
  }
  const rules = options.rules ?? RULES;
  let report: Report;
  try {
    const suppressions = validateSuppressions(
      options.suppressions ?? SUPPRESSIONS,
      rules.map((r) => r.id),
    );
    report = evaluate(loadOutdir(positional[0] ?? "cdktf.out"), rules, suppressions, suppressionMatches);
  } catch (error) {
    print(`policy: ${(error as Error).message}`);
    return 2;
  }
  for (const line of format(report, verbose)) print(line);
  return report.summary.errors > 0 ? 1 : 0;
}

export function format(report: Report, verbose = false): string[] {
  const lines: string[] = [];
  const stacks = [...new Set(report.results.map((r) => r.stack))];
  for (const stack of stacks) {
    const results = report.results.filter((r) => r.stack === stack);
    const open = results.filter((r) => r.finding.status === "non_compliant" && !r.suppression);
    const suppressed = results.filter((r) => r.suppression);
    const checked = results.filter((r) => r.finding.status !== "not_applicable").length;
    lines.push(
      "",
      `== ${stack}: ${checked} checks, ${open.length} findings, ${suppressed.length} suppressed`,
    );
    const shown = verbose ? results.filter((r) => r.finding.status !== "not_applicable") : open;
    if (shown.length > 0) lines.push(...table(["rule", "level", "resource", "message"], shown.map(row)));
    if (suppressed.length > 0) {
      lines.push("", "   suppressed:");
      lines.push(
        ...table(
          ["rule", "resource", "reason"],
          suppressed.map((r) => [r.rule.id, r.finding.address, r.suppression?.reason ?? ""]),
        ),
      );
    }
  }
  for (const s of report.unusedSuppressions)
    lines.push("", `note: suppression ${s.ruleId} ${s.stack ?? "*"}/${s.address} matched nothing`);
  const { rules, checks, findings, suppressed, errors, warnings } = report.summary;
  lines.push(
    "",
    `${rules} rules, ${checks} checks, ${findings} findings, ${suppressed} suppressed (${errors} errors, ${warnings} warnings)`,
  );
  return lines;
}

function row(r: Result): string[] {
  return [
    r.rule.id,
    r.suppression ? "suppressed" : r.finding.status === "compliant" ? "ok" : r.rule.level,
    r.finding.address,
    r.finding.message,
  ];
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const line = (cells: readonly string[]) =>
    `   ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")}`.trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) process.exitCode = main(process.argv.slice(2), (line) => console.log(line));
