import { rmSync } from "node:fs";
import { synthApp } from "../testing/synth.js";
import {
  type AddressMap,
  BASELINE_STACKS,
  compareBaseline,
  describeDiffs,
  readBaseline,
  statefulAddresses,
  UPDATE_COMMAND,
  updateBaselines,
} from "./baseline.js";

const USAGE = `usage: ${UPDATE_COMMAND.replace(" --update", "")} [--update [--accept-removals]]`;

/** Stateful addresses of every baselined stack, from a fresh synth of the real app. */
export async function currentAddresses(): Promise<Record<string, AddressMap>> {
  const synth = await synthApp({ environments: ["test", "sandbox"] });
  try {
    return Object.fromEntries(
      BASELINE_STACKS.map((stack) => {
        const json = synth.stacks[stack];
        if (!json) throw new Error(`the synth has no stack "${stack}"`);
        return [stack, statefulAddresses(json)];
      }),
    );
  } finally {
    rmSync(synth.outdir, { recursive: true, force: true });
  }
}

/** Without flags: check, exit 1 on a difference. `--update`: rewrite the baseline (removals need a second flag). */
export async function baselineCommand(
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const known = ["--update", "--accept-removals"];
  if (
    argv.some((a) => !known.includes(a)) ||
    (argv.includes("--accept-removals") && !argv.includes("--update"))
  ) {
    print(USAGE);
    return 2;
  }
  const current = await currentAddresses();
  if (argv.includes("--update")) {
    const result = updateBaselines(current, { acceptRemovals: argv.includes("--accept-removals") });
    if (result.refused.length > 0) {
      print(describeDiffs(result.refused, baselinesOf(), current));
      print("\nbaseline: not updated (removals need --accept-removals)");
      return 1;
    }
    print(
      result.written.length > 0
        ? `baseline: updated ${result.written.join(", ")}; review and commit it`
        : "baseline: already up to date",
    );
    return 0;
  }
  const diffs = BASELINE_STACKS.map((s) =>
    compareBaseline(s, readBaseline(s) ?? {}, current[s] ?? {}),
  ).filter((d) => d.missing.length + d.added.length > 0);
  if (diffs.length === 0) {
    print(`baseline: ${BASELINE_STACKS.join(", ")} match the synth`);
    return 0;
  }
  print(describeDiffs(diffs, baselinesOf(), current));
  return 1;
}

function baselinesOf(): Record<string, AddressMap> {
  return Object.fromEntries(BASELINE_STACKS.map((s) => [s, readBaseline(s) ?? {}]));
}
