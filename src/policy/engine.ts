import type { Block, StackIndex } from "../terraform/json.js";
import type { Finding, Rule, Status, Suppression } from "./types.js";

/** The rule runner: rules ask a stack's index (src/terraform/json.ts) questions and return findings. */

// ---- findings

export function compliant(block: Block, message: string): Finding {
  return { status: "compliant", address: block.address, path: block.path, message };
}
export function nonCompliant(block: Block, message: string): Finding {
  return { status: "non_compliant", address: block.address, path: block.path, message };
}
export function notApplicable(block: Block, message: string): Finding {
  return { status: "not_applicable", address: block.address, path: block.path, message };
}
/** compliant when `ok`, else non-compliant with `problem`. */
export function verdict(block: Block, ok: boolean, good: string, problem: string): Finding {
  return ok ? compliant(block, good) : nonCompliant(block, problem);
}

// ---- evaluation

export interface Result {
  readonly stack: string;
  readonly rule: Rule;
  readonly finding: Finding;
  /** Set when a non-compliant finding is suppressed. */
  readonly suppression?: Suppression;
}

export interface Summary {
  readonly rules: number;
  /** Applicable evaluations: compliant plus non-compliant. */
  readonly checks: number;
  /** Unsuppressed non-compliant findings. */
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

export interface Report {
  readonly results: readonly Result[];
  readonly summary: Summary;
  /** Suppressions that matched nothing (stale, or for resources not built yet). */
  readonly unusedSuppressions: readonly Suppression[];
}

/** Runs every rule over every stack and applies the suppressions. */
export function evaluate(
  stacks: readonly StackIndex[],
  rules: readonly Rule[],
  suppressions: readonly Suppression[],
  matches: (s: Suppression, stack: string, ruleId: string, address: string) => boolean,
): Report {
  const results: Result[] = [];
  const used = new Set<Suppression>();
  for (const stack of stacks)
    for (const rule of rules) {
      const findings = rule.check(stack);
      if (findings.length === 0)
        findings.push({
          status: "not_applicable",
          address: "(stack)",
          message: "nothing in this stack to check",
        });
      for (const finding of findings) {
        const suppression =
          finding.status === "non_compliant"
            ? suppressions.find((s) => matches(s, stack.name, rule.id, finding.address))
            : undefined;
        if (suppression) used.add(suppression);
        results.push({ stack: stack.name, rule, finding, suppression });
      }
    }
  const count = (status: Status) => results.filter((r) => r.finding.status === status).length;
  const open = results.filter((r) => r.finding.status === "non_compliant" && !r.suppression);
  return {
    results,
    summary: {
      rules: rules.length,
      checks: count("compliant") + count("non_compliant"),
      findings: open.length,
      errors: open.filter((r) => r.rule.level === "error").length,
      warnings: open.filter((r) => r.rule.level === "warning").length,
      suppressed: results.filter((r) => r.suppression).length,
    },
    unusedSuppressions: suppressions.filter((s) => !used.has(s)),
  };
}
