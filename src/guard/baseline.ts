import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { blocksOf, type TerraformJson } from "../terraform/json.js";
import { isStateful } from "./stateful.js";

/**
 * The committed addresses of every stateful resource, per stack. A construct id is part of a Terraform address, so
 * renaming one (or moving a construct) makes Terraform destroy the old resource and create a new one. The baseline
 * turns that into a failing unit test before any plan runs; updating it is a deliberate, reviewed step.
 */
export const BASELINE_DIR = "src/guard/baseline";
/** The stacks whose state lives in AWS. `local` is left out: it is torn down by stopping moto. */
export const BASELINE_STACKS = ["test", "sandbox", "bootstrap"] as const;
export const UPDATE_COMMAND = "node --import tsx src/cli/baseline.ts --update";

/** Address -> construct path (without the stack name), e.g. `aws_s3_bucket.zone-drop_bucket_2CC08DED` -> `zone-drop/bucket`. */
export type AddressMap = Readonly<Record<string, string>>;

/** The stateful resources of one synthesized stack (`cdk.tf.json`), by address. */
export function statefulAddresses(stack: TerraformJson): AddressMap {
  const out: Record<string, string> = {};
  for (const block of blocksOf(stack, "resource", isStateful))
    out[block.address] = (block.path ?? block.name).split("/").slice(1).join("/");
  return sortKeys(out);
}

export interface BaselineFile {
  readonly stack: string;
  readonly $comment: string;
  readonly resources: AddressMap;
}

export function baselinePath(stack: string, dir = BASELINE_DIR): string {
  return join(dir, `${stack}.json`);
}

export function readBaseline(stack: string, dir = BASELINE_DIR): AddressMap | undefined {
  const file = baselinePath(stack, dir);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as BaselineFile).resources;
}

export function renderBaseline(stack: string, resources: AddressMap): string {
  const file: BaselineFile = {
    stack,
    $comment: `Addresses of the stateful resources of the ${stack} stack. Changed only by \`${UPDATE_COMMAND}\`; see docs/delivery.md.`,
    resources: sortKeys(resources),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface BaselineDiff {
  readonly stack: string;
  /** In the baseline, gone from the synth: Terraform would destroy these (or replace them under a new address). */
  readonly missing: readonly string[];
  /** In the synth, not in the baseline yet. */
  readonly added: readonly string[];
}

export function compareBaseline(stack: string, baseline: AddressMap, current: AddressMap): BaselineDiff {
  return {
    stack,
    missing: Object.keys(baseline).filter((a) => !(a in current)),
    added: Object.keys(current).filter((a) => !(a in baseline)),
  };
}

/** A failure message that says what happened, what it would do in AWS, and exactly what to run. */
export function describeDiffs(
  diffs: readonly BaselineDiff[],
  baselines: Readonly<Record<string, AddressMap>>,
  current: Readonly<Record<string, AddressMap>>,
): string {
  const lines: string[] = [];
  const anyMissing = diffs.some((d) => d.missing.length > 0);
  for (const d of diffs) {
    for (const address of d.missing) {
      const path = baselines[d.stack]?.[address];
      const type = address.split(".")[0] ?? "";
      const samePath = Object.entries(current[d.stack] ?? {}).find(
        ([a, p]) => p === path && a.startsWith(`${type}.`),
      );
      const candidates = d.added.filter((a) => a.startsWith(`${type}.`));
      lines.push(
        `${d.stack}: ${address} (${path}) is gone from the synth: Terraform would DESTROY it.${
          samePath ? ` Same construct path now has address ${samePath[0]}.` : ""
        }${candidates.length > 0 ? ` New ${type} in the synth: ${candidates.join(", ")} (a renamed construct id?)` : ""}`,
      );
    }
    for (const address of d.added)
      lines.push(
        `${d.stack}: ${address} (${current[d.stack]?.[address]}) is new and not in the baseline yet.`,
      );
  }
  lines.push("");
  if (anyMissing)
    lines.push(
      "A missing address means every environment loses that resource's data on the next apply.",
      "If you renamed or moved a construct, restore its id (or add a moved block) instead of updating the baseline.",
      `If the removal is intended: run \`${UPDATE_COMMAND} --accept-removals\`, commit src/guard/baseline/, and say why in the PR.`,
    );
  else
    lines.push(
      `New stateful resources: run \`${UPDATE_COMMAND}\` and commit src/guard/baseline/ with your change.`,
    );
  return lines.join("\n");
}

export interface UpdateResult {
  readonly written: readonly string[];
  /** Removals that were refused because `acceptRemovals` was not given. */
  readonly refused: readonly BaselineDiff[];
}

/**
 * Rewrites the baseline files from the current synth. New addresses are added; missing ones are dropped only with
 * `acceptRemovals`, so that an accidental rename cannot be "fixed" by reflex.
 */
export function updateBaselines(
  current: Readonly<Record<string, AddressMap>>,
  options: { acceptRemovals?: boolean; dir?: string } = {},
): UpdateResult {
  const dir = options.dir ?? BASELINE_DIR;
  const diffs = Object.entries(current).map(([stack, now]) =>
    compareBaseline(stack, readBaseline(stack, dir) ?? {}, now),
  );
  const refused = diffs.filter((d) => d.missing.length > 0 && !(options.acceptRemovals ?? false));
  if (refused.length > 0) return { written: [], refused };
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [stack, now] of Object.entries(current)) {
    const file = baselinePath(stack, dir);
    const text = renderBaseline(stack, now);
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
      writeFileSync(file, text);
      written.push(file);
    }
  }
  return { written, refused: [] };
}

function sortKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
