/**
 * Every benchmark, then docs/BENCHMARKS.md: the steps. Each benchmark runs as its own child process and writes
 * bench/out/<name>.json; this script deletes those files first, so a benchmark that fails shows as failed, never as
 * a stale figure. Then it reads them, the machine's facts and the cost model, and hands them to the report writer
 * (bench/report.ts, a pure function tested in bench/report.test.ts).
 *
 *   node --import tsx bench/run-all.ts          (make bench; needs make build first)
 *
 * BENCH_QUICK=1      one run per figure instead of the medians of several (a smoke run)
 * BENCH_SKIP_LOCAL=1 skip `make local` cold and warm (minutes)
 * BENCH_SKIP_TERRAFORM=1 skip plan and apply of the local stack against a fresh moto (minutes)
 * BENCH_REPORT_ONLY=1 run nothing: re-render the report from the last run's bench/out/*.json and run-all.json
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadInputs } from "../src/cost/inputs.js";
import { stackJsonPath } from "../src/terraform/json.js";
import { synthApp } from "../src/testing/synth.js";
import {
  type BenchFigures,
  type ConverterOut,
  costFigures,
  type HandlersOut,
  type LocalOut,
  type LocalScenario,
  type Machine,
  type RunFacts,
  renderReport,
  type Step,
  type SynthOut,
  summaryRows,
  type TerraformOut,
} from "./report.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const OUT = join(HERE, "out");
const DOC = join(ROOT, "docs", "BENCHMARKS.md");
const QUICK = process.env["BENCH_QUICK"] === "1";
const SKIP_LOCAL = process.env["BENCH_SKIP_LOCAL"] === "1";
const SKIP_TERRAFORM = process.env["BENCH_SKIP_TERRAFORM"] === "1";
/** Re-render docs/BENCHMARKS.md from the last run's bench/out/*.json without running anything. */
const REPORT_ONLY = process.env["BENCH_REPORT_ONLY"] === "1";

function run(
  name: string,
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Step> {
  rmSync(join(OUT, `${name}.json`), { force: true });
  process.stderr.write(`\n== ${name}: node --import tsx ${script} ${args.join(" ")}\n`);
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(HERE, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("close", (code) => {
      const ok = code === 0 && existsSync(join(OUT, `${name}.json`));
      done({ name, seconds: (performance.now() - started) / 1000, ok });
    });
  });
}

function skipped(name: string, why: string): Step {
  rmSync(join(OUT, `${name}.json`), { force: true });
  return { name, seconds: 0, ok: false, skipped: why };
}

function readOut<T>(name: string): T | undefined {
  const file = join(OUT, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

function version(command: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return pattern.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`)?.[1] ?? "not found";
}

function measuredMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: totalmem() / 2 ** 30,
    os: `${type()} ${release()}`,
    node: process.version,
    terraform: version("terraform", ["version", "-json"], /"terraform_version":\s*"([^"]+)"/),
    moto: version("python3", ["-c", "import moto; print(moto.__version__)"], /^(\S+)/),
    // BENCH_COMMIT names the commit when the run is in an exported tree without .git.
    git: process.env["BENCH_COMMIT"] ?? commitLabel(),
  };
}

function commitLabel(): string {
  const head = version("git", ["rev-parse", "--short", "HEAD"], /^(\S+)/);
  const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).stdout?.trim();
  return dirty ? `${head} plus uncommitted changes in the tree` : head;
}

/** bench/out/run-all.json: what BENCH_REPORT_ONLY re-renders from. Before the split, `load` was [start, end]. */
type RunRecord = Omit<RunFacts, "load"> & { readonly load: RunFacts["load"] | readonly [number, number] };

function factsOf(record: RunRecord): RunFacts {
  const load = record.load;
  return "start" in load ? { ...record, load } : { ...record, load: { start: [load[0]], end: [load[1]] } };
}

/**
 * bench/out/local.json. Before the examples' lake got its own object, its figures were top-level fields and the
 * warm time was recorded only when the run skipped plan and apply.
 */
type LocalFile = Partial<LocalOut> & {
  readonly coldSeconds?: number | null;
  readonly warmPlanSeconds?: number | null;
  readonly warmSeconds?: number | null;
  readonly errors: readonly string[];
};

function localOf(file: LocalFile | undefined): LocalOut | undefined {
  if (file === undefined) return undefined;
  const examples: LocalScenario = file.examples ?? {
    pipelines: 2,
    coldSeconds: file.coldSeconds ?? null,
    warmPlanSeconds: file.warmPlanSeconds ?? null,
    warmSeconds: file.warmSeconds ?? null,
    skipped: (file.warmSeconds ?? null) !== null,
  };
  return { examples, ...(file.many ? { many: file.many } : {}), errors: file.errors };
}

const previous = REPORT_ONLY ? readOut<RunRecord>("run-all") : undefined;
if (REPORT_ONLY && previous === undefined)
  throw new Error("BENCH_REPORT_ONLY=1: no bench/out/run-all.json to re-render");

let facts: RunFacts;
if (previous) facts = factsOf(previous);
else {
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const machine = measuredMachine();
  // Order: the cheap ones first; converter before the cost model, which reads its result.
  const steps: Step[] = [];
  steps.push(await run("synth", "synth.ts", [], { BENCH_RUNS: QUICK ? "1" : "5" }));
  steps.push(
    await run("converter", "converter.ts", ["--rows", "1000000,4000000", "--runs", QUICK ? "1" : "3"]),
  );
  steps.push(await run("handlers", "handlers.ts"));
  steps.push(
    SKIP_TERRAFORM ? skipped("terraform", "BENCH_SKIP_TERRAFORM=1") : await run("terraform", "terraform.ts"),
  );
  steps.push(SKIP_LOCAL ? skipped("local", "BENCH_SKIP_LOCAL=1") : await run("local", "local.ts"));
  facts = { startedAt, quick: QUICK, machine, steps, load: { start: loadStart, end: loadavg() } };
}

const figures: BenchFigures = {
  synth: readOut<SynthOut>("synth"),
  converter: readOut<ConverterOut>("converter"),
  handlers: readOut<HandlersOut>("handlers"),
  terraform: readOut<TerraformOut>("terraform"),
  local: localOf(readOut<LocalFile>("local")),
};

// The cost model reads a freshly synthesized test stack and this run's converter figures.
const synthesized = await synthApp({ environments: ["test"] });
const cost = costFigures(
  loadInputs({
    stackJson: stackJsonPath(synthesized.outdir, "test"),
    converterJson: join(OUT, "converter.json"),
  }),
);
rmSync(synthesized.outdir, { recursive: true, force: true });

mkdirSync(dirname(DOC), { recursive: true });
writeFileSync(DOC, renderReport(facts, figures, cost));
// The report is checked by `make lint` like every other file: format it with the project's own Biome (aligned
// table columns), so a fresh `make bench` never leaves a doc that fails CI.
const formatted = spawnSync(join(ROOT, "node_modules", ".bin", "biome"), ["format", "--write", DOC], {
  cwd: ROOT,
  encoding: "utf8",
});
if (formatted.status !== 0) {
  process.stderr.write(`biome format ${DOC} failed:\n${formatted.stdout}${formatted.stderr}`);
  process.exitCode = 1;
}
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "run-all.json"), `${JSON.stringify({ ...facts, cost: cost.comparison }, null, 2)}\n`);
process.stderr.write(`\nwritten: ${DOC}\n`);
console.log(
  summaryRows(facts, figures, cost)
    .map((r) => `${r[0]}: ${r[1]} vs ${r[2]} ${r[3]} (target ${r[4]}; meets: ${r[6]})`)
    .join("\n"),
);
