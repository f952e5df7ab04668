import { readFileSync, writeFileSync } from "node:fs";
import {
  ALLOW_LIST_FILE,
  AllowListError,
  allowancesFromEnv,
  formatGuard,
  guardPlan,
  readAllowList,
} from "./guard.js";
import { PlanError, parsePlan } from "./plan.js";
import { renderPlanSummary } from "./plan-summary.js";

type Print = (line: string) => void;

/** Splits `--flag value` pairs from positional arguments; unknown flags are a usage error. */
function parseArgs(
  argv: readonly string[],
  flags: readonly string[],
): { positional: string[]; values: Record<string, string> } | string {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) positional.push(arg);
    else if (!flags.includes(arg)) return `unknown option ${arg}`;
    else if (argv[i + 1] === undefined) return `${arg} needs a value`;
    else values[arg] = argv[++i] as string;
  }
  return { positional, values };
}

export const GUARD_USAGE =
  "usage: node --import tsx src/cli/guard.ts PLAN.json [--stack NAME] [--allow-list FILE]\n" +
  "  PLAN.json is `terraform show -json tfplan`. Exit 0: nothing stateful destroyed or replaced without an\n" +
  `  allowance; 1: blocked; 2: usage. Allowances: ${ALLOW_LIST_FILE} and ALLOW_DESTROY=<address>[,<address>].`;

/** Reads a plan, prints what it blocks and why; the exit code is the verdict. */
export function guardCommand(
  argv: readonly string[],
  print: Print,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const args = parseArgs(argv, ["--stack", "--allow-list"]);
  if (typeof args === "string" || args.positional.length !== 1) {
    print(typeof args === "string" ? `guard: ${args}\n${GUARD_USAGE}` : GUARD_USAGE);
    return 2;
  }
  const file = args.positional[0] as string;
  try {
    const plan = parsePlan(readFileSync(file, "utf8"), file);
    const allowances = [
      ...readAllowList(args.values["--allow-list"] ?? ALLOW_LIST_FILE),
      ...allowancesFromEnv(env["ALLOW_DESTROY"]),
    ];
    const stack = args.values["--stack"];
    const result = guardPlan(plan, allowances, stack);
    for (const line of formatGuard(result, stack)) print(line);
    return result.blocked.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof PlanError || error instanceof AllowListError || isMissingFile(error)) {
      print(`guard: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

export const SUMMARY_USAGE =
  "usage: node --import tsx src/cli/plan-summary.ts PLAN.json --stack NAME [--text PLAN.txt] [--context TEXT] [--out FILE]";

/** Renders the PR comment for one plan (markdown) to --out or stdout. */
export function planSummaryCommand(
  argv: readonly string[],
  print: Print,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const args = parseArgs(argv, ["--stack", "--text", "--context", "--out", "--allow-list"]);
  if (typeof args === "string" || args.positional.length !== 1 || !args.values["--stack"]) {
    print(typeof args === "string" ? `plan-summary: ${args}\n${SUMMARY_USAGE}` : SUMMARY_USAGE);
    return 2;
  }
  const file = args.positional[0] as string;
  const stack = args.values["--stack"];
  try {
    const plan = parsePlan(readFileSync(file, "utf8"), file);
    const textFile = args.values["--text"];
    const allowances = [
      ...readAllowList(args.values["--allow-list"] ?? ALLOW_LIST_FILE),
      ...allowancesFromEnv(env["ALLOW_DESTROY"]),
    ];
    const markdown = renderPlanSummary({
      plan,
      stack,
      planText: textFile ? readFileSync(textFile, "utf8") : undefined,
      guard: guardPlan(plan, allowances, stack),
      context: args.values["--context"],
    });
    if (args.values["--out"]) writeFileSync(args.values["--out"], markdown);
    else print(markdown);
    return 0;
  } catch (error) {
    if (error instanceof PlanError || error instanceof AllowListError || isMissingFile(error)) {
      print(`plan-summary: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}
