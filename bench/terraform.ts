/**
 * Terraform benchmark: the `local` stack planned and applied against a fresh moto on a free port, with its own
 * temporary state (the sequence of src/testing/lake-setup.ts). Times `init`, `plan`, `apply` and a second `plan`
 * after the apply (the floor: provider start-up and refresh, no changes expected), counts the resources, and stops
 * moto. One run: an apply takes minutes. Writes bench/out/terraform.json.
 *
 *   node --import tsx bench/terraform.ts      (needs the handlers built: make build)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto, stopMoto } from "../src/local/moto.js";
import { runTerraform } from "../src/terraform/run.js";
import { synthLocalStack } from "../src/testing/apply-local.js";

const OUT_FILE = join(dirname(fileURLToPath(import.meta.url)), "out", "terraform.json");
/** Seconds before an apply against moto is stopped (moto's gaps look like hangs). */
const TIMEOUT_MS = Number(process.env["LOCAL_APPLY_TIMEOUT"] ?? 900) * 1000;

async function timed<T>(step: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await step();
  return { seconds: (performance.now() - started) / 1000, value };
}

const stateDir = mkdtempSync(join(tmpdir(), "bench-terraform-"));
let outdir: string | undefined;
try {
  const moto = await timed(() => startMoto({ dir: stateDir }));
  const synth = await timed(() => synthLocalStack(stateDir, moto.value.endpoint));
  outdir = synth.value.outdir;
  const options = { ...synth.value.options, timeoutMs: TIMEOUT_MS };
  const tf = (args: string[]) => runTerraform([...args, "-no-color"], options);

  const init = await timed(() => tf(["init", "-input=false"]));
  const plan = await timed(() => tf(["plan", "-input=false", "-out=tfplan"]));
  const shown = await tf(["show", "-json", "tfplan"]);
  const changes = (JSON.parse(shown.stdout) as { resource_changes?: { change: { actions: string[] } }[] })
    .resource_changes;
  const toCreate = (changes ?? []).filter((c) => c.change.actions.includes("create")).length;
  process.stderr.write(`  terraform: plan ${plan.seconds.toFixed(1)} s, ${toCreate} to create; applying\n`);
  const apply = await timed(() => tf(["apply", "-input=false", "tfplan"]));
  const replan = await timed(() => tf(["plan", "-input=false", "-detailed-exitcode"]).catch((e: Error) => e));
  const state = await tf(["state", "list"]);
  const resources = state.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("data.")).length;
  const replanClean = !(replan.value instanceof Error) && /No changes\./.test(replan.value.stdout);
  // With -detailed-exitcode, changes are exit 2, which runTerraform reports as an error carrying the output's tail.
  const replanText = replan.value instanceof Error ? replan.value.message : replan.value.stdout;
  const replanSummary = replanClean ? "No changes." : (/Plan: [^\n]+/.exec(replanText)?.[0] ?? "error");
  const report = {
    measuredAt: new Date().toISOString(),
    runs: 1,
    stack: "local",
    resourcesPlanned: toCreate,
    resourcesInState: resources,
    seconds: {
      motoStart: moto.seconds,
      synth: synth.seconds,
      init: init.seconds,
      plan: plan.seconds,
      apply: apply.seconds,
      replan: replan.seconds,
    },
    applySecondsPerResource: apply.seconds / Math.max(1, toCreate),
    replanClean,
    replanSummary,
    /** Changes terraform itself marks as whitespace-only (moto re-spaces JSON attributes). */
    replanWhitespaceOnly: (replanText.match(/# whitespace changes/g) ?? []).length,
    replanError: replan.value instanceof Error ? replan.value.message.slice(0, 2000) : undefined,
  };
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `terraform (local stack on moto): ${toCreate} resources; init ${init.seconds.toFixed(1)} s, plan ${plan.seconds.toFixed(1)} s, apply ${apply.seconds.toFixed(1)} s, re-plan ${replan.seconds.toFixed(1)} s (${replanSummary})`,
  );
} finally {
  await stopMoto(stateDir);
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
}
