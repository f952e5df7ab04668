import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { lake } from "../testing/lake.js";
import { synthApp } from "../testing/synth.js";
import { guardCommand } from "./commands.js";
import { allowancesFromEnv, guardPlan } from "./guard.js";
import { changeKind, type PlanJson, parsePlan } from "./plan.js";
import { countChanges, renderPlanSummary } from "./plan-summary.js";
import { isStateful } from "./stateful.js";

/**
 * The guard on real `terraform show -json` output: plans of the applied local stack against moto. Nothing here is
 * ever applied; every plan runs with -lock=false, and the changed stack plans against a copy of the state.
 */
const work = mkdtempSync(join(tmpdir(), "event-lake-guard-"));
let noop: PlanJson;
let renamed: PlanJson;
let renamedFile: string;
let stateAddresses: string[];

async function planJson(cwd: string, name: string): Promise<string> {
  const env = terraformEnv(lake().cliConfig);
  const options = { cwd, env, timeoutMs: 300_000 };
  const planFile = join(work, `${name}.tfplan`);
  await runTerraform(["plan", "-lock=false", "-input=false", "-no-color", `-out=${planFile}`], options);
  const { stdout } = await runTerraform(["show", "-json", planFile], options);
  const file = join(work, `${name}.json`);
  writeFileSync(file, stdout);
  // EVENT_LAKE_GUARD_FIXTURES=<dir> keeps the full plans, to refresh the trimmed fixtures in src/guard/fixtures.
  const keep = process.env["EVENT_LAKE_GUARD_FIXTURES"];
  if (keep) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(file, join(keep, `${name}.plan.json`));
  }
  return file;
}

beforeAll(async () => {
  const { stackDir, stateDir, endpoint } = lake();
  noop = parsePlan(readFileSync(await planJson(stackDir, "noop"), "utf8"));

  // The same local stack with another prefix: every physical name changes. Its state is a copy of the applied one.
  const copyDir = join(work, "state");
  mkdirSync(copyDir);
  copyFileSync(join(stateDir, "terraform.tfstate"), join(copyDir, "terraform.tfstate"));
  const changed = await synthApp({
    environments: ["local"],
    env: {
      EVENT_LAKE_LOCAL_ENDPOINT: endpoint,
      EVENT_LAKE_LOCAL_STATE_DIR: copyDir,
      EVENT_LAKE_LOCAL_PREFIX: "event-lake-renamed",
    },
  });
  const cwd = join(changed.outdir, "stacks", "local");
  await runTerraform(["init", "-input=false", "-no-color"], {
    cwd,
    env: terraformEnv(lake().cliConfig),
    timeoutMs: 300_000,
  });
  renamedFile = await planJson(cwd, "renamed");
  renamed = parsePlan(readFileSync(renamedFile, "utf8"));
  const state = JSON.parse(readFileSync(join(copyDir, "terraform.tfstate"), "utf8")) as {
    resources: { mode: string; type: string; name: string }[];
  };
  stateAddresses = state.resources.filter((r) => r.mode === "managed").map((r) => `${r.type}.${r.name}`);
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("a plan of the applied stack with no code change", () => {
  it("creates and destroys nothing, and the guard lets it through", () => {
    const counts = countChanges(noop);

    expect({ add: counts.add, destroy: counts.destroy, replace: counts.replace }).toEqual({
      add: 0,
      destroy: 0,
      replace: 0,
    });
    expect(guardPlan(noop).blocked).toEqual([]);
  });
});

describe("a plan that renames every physical name (another prefix)", () => {
  it("is blocked for every stateful resource in the state but the keys, each a replacement its new name forces", () => {
    const blocked = guardPlan(renamed, [], "local").blocked;
    // Keys have no name to force a replacement; the Lake Formation settings are the account's, with no name at all;
    // a replaced versioning ends enabled again (REPLACE_KEEPS_DATA), its bucket is blocked; SageMaker's notebook log
    // group has a name AWS fixes (/aws/sagemaker/NotebookInstances), which no prefix changes.
    const unnamed = [
      "aws_kms_key.",
      "aws_lakeformation_data_lake_settings.",
      "aws_s3_bucket_versioning.",
      "aws_cloudwatch_log_group.notebook_log-group_",
    ];
    const expected = stateAddresses
      .filter((a) => isStateful(a.split(".")[0] ?? "") && !unnamed.some((prefix) => a.startsWith(prefix)))
      .sort();

    expect(expected.filter((a) => a.startsWith("aws_s3_bucket.")).length).toBeGreaterThanOrEqual(6);
    expect(blocked.map((f) => f.address).sort()).toEqual(expected);
    for (const f of blocked) expect(f.kind).toBe("replace");
    for (const f of blocked.filter((b) => b.type === "aws_s3_bucket"))
      expect(f.cause).toBe("bucket cannot be changed in place");
    for (const f of blocked.filter((b) => b.type === "aws_dynamodb_table"))
      expect(f.cause).toBe("name cannot be changed in place");
    for (const f of blocked) expect(f.cause).toMatch(/^[a-z_.[\]0-9, ]+ cannot be changed in place$/);
  });

  it("keeps the KMS keys (their aliases are replaced, the keys only updated), so the guard does not block them", () => {
    const keys = (renamed.resource_changes ?? []).filter((c) => c.type === "aws_kms_key");

    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map(changeKind))).not.toContain("replace");
    expect(guardPlan(renamed).blocked.map((f) => f.type)).not.toContain("aws_kms_key");
  });

  it("fails the CLI with exit 1 and names each blocked address, and passes when ALLOW_DESTROY lists them", () => {
    const printed: string[] = [];
    const blocked = guardPlan(renamed).blocked.map((f) => f.address);

    const code = guardCommand([renamedFile, "--stack", "local"], (l) => printed.push(l), {});
    const allowedCode = guardCommand([renamedFile, "--stack", "local"], () => undefined, {
      ALLOW_DESTROY: blocked.join(","),
    });

    expect(code).toBe(1);
    for (const address of blocked)
      expect(printed.some((l) => l.startsWith(`BLOCKED replace ${address} (local)`))).toBe(true);
    expect(allowedCode).toBe(0);
    expect(guardPlan(renamed, allowancesFromEnv(blocked.join(","))).allowed).toHaveLength(blocked.length);
  });

  it("summarizes as Terraform counts it, listing every replaced resource", () => {
    const summary = renderPlanSummary({ plan: renamed, stack: "local", guard: guardPlan(renamed) });
    const counts = countChanges(renamed);
    const replaced = (renamed.resource_changes ?? []).filter((c) => changeKind(c) === "replace");

    expect(counts.replace).toBe(replaced.length);
    expect(summary).toContain(
      `**${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy** (${counts.replace} replaced)`,
    );
    for (const c of replaced) expect(summary).toContain(`| replace | \`${c.address}\` |`);
    expect(summary).toContain("**Guard: blocked.**");
  });
});
