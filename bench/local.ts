/**
 * `make local` end to end, timed as a child process, for two lakes: the example pipelines, and 20 pipelines (the
 * examples plus generated ones, EVENT_LAKE_BENCH_EXTRA_PIPELINES; BENCH_LOCAL_PIPELINES=N measures N instead).
 * For each, in the same run:
 *   cold        after `make local/down`: fresh moto, empty state;
 *   warm, plans a second run that plans and applies (FORCE_APPLY=1): the baseline, what every warm run did before
 *               the fast path;
 *   warm        a third run with nothing changed: plan and apply skipped (its output must say so).
 * One run each: they take minutes.
 *
 * It runs with its own local state dir (EVENT_LAKE_LOCAL_STATE_DIR=.eventlake/bench-local), so it never stops or
 * reuses the moto another `make local` in this tree recorded in .eventlake/local; it tears its own down at the end.
 * What it shares with other runs: dist/ and cdktf.out/stacks/local/ (synth output, provider cache, saved plan), so do
 * not run it while someone else runs `make local` in the same tree. "Cold" keeps node_modules, dist/ and the
 * provider cache: it measures moto, synth, init, plan and apply, not the npm install.
 *
 *   node --import tsx bench/local.ts      (writes bench/out/local.json)
 *
 * local.json: `examples` and `many`, each { pipelines, coldSeconds, warmPlanSeconds, warmSeconds, skipped } (a time is
 * null when that run failed; `skipped`: the warm run's output said plan and apply were skipped), and `errors`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPipelines } from "../src/pipelines/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const OUT_FILE = join(HERE, "out", "local.json");
const STATE_DIR = resolve(ROOT, ".eventlake", "bench-local");
/** A bound on one `make local`; each terraform step inside it is bounded by LOCAL_APPLY_TIMEOUT too. */
const TIMEOUT_MS = 20 * 60 * 1000;

interface MakeRun {
  readonly seconds: number;
  readonly ok: boolean;
  readonly output: string;
  readonly tail: string;
}

/** Pipelines in the larger lake: the examples plus generated ones. */
const MANY = Number(process.env["BENCH_LOCAL_PIPELINES"] ?? "20");
/** The declared example pipelines (src/pipelines/definitions). */
const EXAMPLES = (await loadPipelines()).length;
const SKIPPED = "no change since the last apply to this moto: plan and apply skipped";

function make(args: string[], env: Record<string, string>): Promise<MakeRun> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn("make", args, {
      cwd: ROOT,
      env: { ...process.env, EVENT_LAKE_LOCAL_STATE_DIR: STATE_DIR, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGINT"), TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const tail = output.trimEnd().split("\n").slice(-15).join("\n");
      process.stderr.write(`  make ${args.join(" ")}: ${seconds.toFixed(1)} s, exit ${code}\n`);
      done({ seconds, ok: code === 0, output, tail });
    });
  });
}

interface Scenario {
  readonly pipelines: number;
  readonly coldSeconds: number | null;
  /** A warm run that plans and applies (FORCE_APPLY=1): the baseline. */
  readonly warmPlanSeconds: number | null;
  /** A warm run with nothing changed (null: it failed); `skipped` says whether it skipped plan and apply. */
  readonly warmSeconds: number | null;
  /** The warm run's output said plan and apply were skipped. */
  readonly skipped: boolean;
  readonly errors: string[];
}

async function scenario(pipelines: number): Promise<Scenario> {
  const env = { EVENT_LAKE_BENCH_EXTRA_PIPELINES: String(pipelines - EXAMPLES) };
  process.stderr.write(`make local with ${pipelines} pipelines\n`);
  const down = await make(["local/down"], env);
  const cold = await make(["local"], env);
  const warmPlan = cold.ok ? await make(["local", "FORCE_APPLY=1"], env) : undefined;
  const warm = warmPlan?.ok ? await make(["local"], env) : undefined;
  await make(["local/down"], env);
  const skipped = warm?.output.includes(SKIPPED) ?? false;
  const errors = [down, cold, warmPlan, warm]
    .filter((r): r is MakeRun => r !== undefined && !r.ok)
    .map((r) => `${pipelines} pipelines:\n${r.tail}`);
  if (warm?.ok && !skipped) errors.push(`${pipelines} pipelines: the warm run did not skip plan and apply`);
  return {
    pipelines,
    coldSeconds: cold.ok ? cold.seconds : null,
    warmPlanSeconds: warmPlan?.ok ? warmPlan.seconds : null,
    warmSeconds: warm?.ok ? warm.seconds : null,
    skipped,
    errors,
  };
}

/** Written after each lake, so a run stopped during the 20-pipeline lake still reports the examples. */
function write(examples: Scenario, many?: Scenario) {
  const figures = ({ errors: _, ...s }: Scenario) => s;
  const report = {
    measuredAt: new Date().toISOString(),
    runs: 1,
    stateDir: STATE_DIR,
    examples: figures(examples),
    ...(many ? { many: figures(many) } : {}),
    targets: { warmSeconds: 20, warmManySeconds: 30, coldSeconds: 240 },
    errors: [...examples.errors, ...(many?.errors ?? [])],
  };
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

const examples = await scenario(EXAMPLES);
write(examples);
const many = await scenario(MANY);
const report = write(examples, many);
const s = (n: number | null) => n?.toFixed(1) ?? "failed";
for (const r of [examples, many])
  console.log(
    `make local, ${r.pipelines} pipelines: cold ${s(r.coldSeconds)} s, warm that plans ${s(r.warmPlanSeconds)} s, warm with no change ${s(r.warmSeconds)} s (plan and apply ${r.skipped ? "skipped" : "NOT skipped"})`,
  );
if (report.errors.length > 0) console.log(report.errors.join("\n---\n"));
