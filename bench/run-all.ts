/**
 * Every benchmark, then docs/BENCHMARKS.md: the machine, the date, and each figure beside a baseline measured in
 * the same run, with the ratio and how close it gets to its target.
 *
 *   node --import tsx bench/run-all.ts          (make bench; needs make build first)
 *
 * BENCH_QUICK=1      one run per figure instead of the medians of several (a smoke run)
 * BENCH_SKIP_LOCAL=1 skip `make local` cold and warm (minutes)
 * BENCH_SKIP_TERRAFORM=1 skip plan and apply of the local stack against a fresh moto (minutes)
 * BENCH_REPORT_ONLY=1 run nothing: re-render the report from the last run's bench/out/*.json and run-all.json
 *
 * Each benchmark runs as its own child process and writes bench/out/<name>.json; this script deletes those files
 * first, so a benchmark that fails shows as failed, never as a stale figure.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { comparisonTable, costNotes, costTable, priceSources } from "../src/cost/format.js";
import { loadInputs } from "../src/cost/inputs.js";
import { compare, DEFAULT_VOLUME, estimate, estimateSeeds } from "../src/cost/model.js";
import { stackJsonPath } from "../src/terraform/json.js";
import { synthApp } from "../src/testing/synth.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const OUT = join(HERE, "out");
const DOC = join(ROOT, "docs", "BENCHMARKS.md");
const QUICK = process.env["BENCH_QUICK"] === "1";
const SKIP_LOCAL = process.env["BENCH_SKIP_LOCAL"] === "1";
const SKIP_TERRAFORM = process.env["BENCH_SKIP_TERRAFORM"] === "1";
/** Re-render docs/BENCHMARKS.md from the last run's bench/out/*.json without running anything. */
const REPORT_ONLY = process.env["BENCH_REPORT_ONLY"] === "1";
/** Converter peak RSS may grow at most this much from 1M to 4M rows (4x the data) to count as flat. */
const FLAT_MEMORY_GROWTH = 1.25;
/** The converter's throughput target, as a fraction of DuckDB's plain COPY of the same file (issue 18). */
const CONVERTER_TARGET = 0.8;

interface Step {
  readonly name: string;
  readonly seconds: number;
  readonly ok: boolean;
  readonly skipped?: string;
}

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

interface RunRecord {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: Record<string, string | number>;
  readonly steps: Step[];
  readonly load: readonly [number, number];
}
const previous = REPORT_ONLY ? readOut<RunRecord>("run-all") : undefined;
if (REPORT_ONLY && previous === undefined)
  throw new Error("BENCH_REPORT_ONLY=1: no bench/out/run-all.json to re-render");

const startedAt = new Date(previous?.startedAt ?? Date.now());
const quick = previous?.quick ?? QUICK;
const loadBefore = previous?.load[0] ?? loadavg()[0] ?? 0;
const machine = (previous?.machine as ReturnType<typeof measuredMachine> | undefined) ?? measuredMachine();

function measuredMachine() {
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

// Order: the cheap ones first; converter before the cost model, which reads its result.
const steps: Step[] = previous ? [...previous.steps] : [];
if (!previous) {
  steps.push(await run("synth", "synth.ts", [], { BENCH_RUNS: QUICK ? "1" : "5" }));
  steps.push(
    await run("converter", "converter.ts", ["--rows", "1000000,4000000", "--runs", QUICK ? "1" : "3"]),
  );
  steps.push(await run("handlers", "handlers.ts"));
  steps.push(
    SKIP_TERRAFORM ? skipped("terraform", "BENCH_SKIP_TERRAFORM=1") : await run("terraform", "terraform.ts"),
  );
  steps.push(SKIP_LOCAL ? skipped("local", "BENCH_SKIP_LOCAL=1") : await run("local", "local.ts"));
}
const loadAfter = previous?.load[1] ?? loadavg()[0] ?? 0;

// ---- the figures

interface SynthOut {
  runs: number;
  deepImports: { seconds: number; rssMb: number };
  packageRoot: { seconds: number; rssMb: number };
}
interface ConverterSide {
  millis: number;
  /** Missing in reports written before the CPU time was measured. */
  cpuMillis?: number;
  rowsPerSecond: number;
  peakRssMb: number;
  parquetMb: number;
}
interface ConverterRow {
  rows: number;
  csvMb: number;
  runs: number;
  converter: ConverterSide;
  duckdbCopy: ConverterSide;
  throughputRatio: number;
  cpuRatio?: number;
  loadAverage?: { before: number[]; after: number[] };
}
/** The same rows as gzip CSV or NDJSON, against DuckDB's own reader of that format. */
interface FormatRow extends ConverterRow {
  format: "csv.gz" | "ndjson";
  inputMb: number;
}
interface HandlersOut {
  runs: number;
  /** The Node that ran the init probes. */
  node: string;
  layer: { zipBytes: number } | null;
  handlers: {
    name: string;
    zipBytes: number;
    initMs: number | null;
    bootMs: number | null;
    error?: string;
  }[];
}
interface TerraformOut {
  resourcesPlanned: number;
  resourcesInState: number;
  seconds: { motoStart: number; synth: number; init: number; plan: number; apply: number; replan: number };
  replanClean: boolean;
  replanSummary?: string;
  replanWhitespaceOnly?: number;
  replanError?: string;
}
interface LocalScenario {
  pipelines: number;
  coldSeconds: number | null;
  /** A warm run that plans and applies (FORCE_APPLY=1): the baseline. */
  warmPlanSeconds: number | null;
  /** A warm run with nothing changed: plan and apply skipped. */
  warmSeconds: number | null;
  skipped: boolean;
}
interface LocalOut {
  coldSeconds: number | null;
  /** Absent in reports from before the fast path. */
  warmPlanSeconds?: number | null;
  warmSeconds: number | null;
  many?: LocalScenario;
  errors: string[];
}

const synth = readOut<SynthOut>("synth");
const converter = readOut<{
  threads: number;
  memoryLimitMb: number;
  /** Whether the converter streamed its records to DuckDB (missing: written before the option existed). */
  pipe?: boolean;
  results: ConverterRow[];
  formats?: FormatRow[];
}>("converter");
const handlers = readOut<HandlersOut>("handlers");
const terraform = readOut<TerraformOut>("terraform");
const local = readOut<LocalOut>("local");

// The cost model reads a freshly synthesized test stack and this run's converter figures.
const synthesized = await synthApp({ environments: ["test"] });
const stackJson = stackJsonPath(synthesized.outdir, "test");
const inputs = loadInputs({ stackJson, converterJson: join(OUT, "converter.json") });
const volume = DEFAULT_VOLUME;
const ours = estimate(volume, inputs.config, inputs.prices);
const seeds = estimateSeeds(volume, inputs.config, inputs.prices);
const cost = compare(volume, inputs.config, inputs.prices);
const sensitivity = [15, 60, 240, 1440].map((minutes) => {
  const config = {
    ...inputs.config,
    assumptions: { ...inputs.config.assumptions, crawlIntervalMinutes: minutes },
  };
  return { minutes, c: compare(volume, config, inputs.prices) };
});
const byFiles = [100, 1000, 10_000].map((filesPerDay) => ({
  filesPerDay,
  c: compare({ ...volume, filesPerDay }, inputs.config, inputs.prices),
}));
rmSync(synthesized.outdir, { recursive: true, force: true });

// ---- the report

/** The second plan, in words: terraform's own summary and how many of its diffs are whitespace-only. */
function replanLabel(t: TerraformOut): string {
  if (t.replanClean) return "no changes";
  const updates = (t.replanError?.match(/will be updated in-place/g) ?? []).length;
  const whitespace = t.replanWhitespaceOnly ?? (t.replanError?.match(/# whitespace changes/g) ?? []).length;
  const summary =
    t.replanSummary ??
    (updates + whitespace > 0
      ? `at least ${Math.max(updates, whitespace)} in-place updates (output truncated)`
      : "failed");
  return whitespace > 0
    ? `${summary}, ${whitespace} of them whitespace-only \`redrive_policy\` JSON (moto re-spaces it: a known gap)`
    : summary;
}

const f = (x: number, digits = 2) =>
  x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const yes = (ok: boolean) => (ok ? "yes" : "**no**");
const pct = (measured: number, target: number) => `${Math.round((measured / target) * 100)}% of target`;
const notMeasured = (name: string) => {
  const s = steps.find((x) => x.name === name);
  return s?.skipped ? `skipped (${s.skipped})` : "failed: see the run's output";
};

type Row = [
  figure: string,
  measured: string,
  baseline: string,
  ratio: string,
  target: string,
  closeness: string,
  meets: string,
];
const rows: Row[] = [];
if (synth) {
  const d = synth.deepImports;
  const b = synth.packageRoot;
  rows.push(
    [
      "Synth, all environments: wall time",
      `${f(d.seconds)} s`,
      `${f(b.seconds)} s (package-root import)`,
      `${f(b.seconds / d.seconds, 1)}x faster`,
      "< 1.5 s",
      pct(d.seconds, 1.5),
      yes(d.seconds < 1.5),
    ],
    [
      "Synth, all environments: peak RSS",
      `${f(d.rssMb, 0)} MB`,
      `${f(b.rssMb, 0)} MB (package-root import)`,
      `${f(b.rssMb / d.rssMb, 1)}x less`,
      "< 300 MB",
      pct(d.rssMb, 300),
      yes(d.rssMb < 300),
    ],
  );
} else rows.push(["Synth", notMeasured("synth"), "", "", "< 1.5 s, < 300 MB", "", ""]);

const sizes = converter?.results ?? [];
for (const r of sizes)
  rows.push([
    `Converter, ${f(r.rows / 1e6, 0)}M rows (${f(r.csvMb, 0)} MB CSV): throughput`,
    `${f(r.converter.rowsPerSecond, 0)} rows/s`,
    `${f(r.duckdbCopy.rowsPerSecond, 0)} rows/s (DuckDB COPY)`,
    `${f(r.throughputRatio)}x DuckDB`,
    `>= ${CONVERTER_TARGET}x DuckDB`,
    pct(r.throughputRatio, CONVERTER_TARGET),
    yes(r.throughputRatio >= CONVERTER_TARGET),
  ]);
const FORMAT_LABEL: Record<FormatRow["format"], string> = { "csv.gz": "gzip CSV", ndjson: "NDJSON" };
for (const r of converter?.formats ?? [])
  rows.push([
    `Converter, ${f(r.rows / 1e6, 0)}M rows as ${FORMAT_LABEL[r.format]} (${f(r.inputMb, 0)} MB): throughput`,
    `${f(r.converter.rowsPerSecond, 0)} rows/s`,
    `${f(r.duckdbCopy.rowsPerSecond, 0)} rows/s (DuckDB's ${r.format === "ndjson" ? "read_json" : "read_csv"} COPY)`,
    `${f(r.throughputRatio)}x DuckDB`,
    "none",
    "",
    "",
  ]);
const small = sizes.find((r) => r.rows === 1_000_000);
const large = sizes.find((r) => r.rows === 4_000_000);
if (small && large) {
  const growth = large.converter.peakRssMb / small.converter.peakRssMb;
  const duckGrowth = large.duckdbCopy.peakRssMb / small.duckdbCopy.peakRssMb;
  rows.push([
    "Converter peak RSS, 1M -> 4M rows",
    `${f(small.converter.peakRssMb, 0)} -> ${f(large.converter.peakRssMb, 0)} MB (x${f(growth)})`,
    `${f(small.duckdbCopy.peakRssMb, 0)} -> ${f(large.duckdbCopy.peakRssMb, 0)} MB (x${f(duckGrowth)}, DuckDB COPY)`,
    `${f(duckGrowth / growth)}x flatter`,
    `flat: growth <= x${FLAT_MEMORY_GROWTH}`,
    `x${f(growth)} growth`,
    yes(growth <= FLAT_MEMORY_GROWTH),
  ]);
}
if (sizes.length === 0)
  rows.push(["Converter", notMeasured("converter"), "", "", `>= ${CONVERTER_TARGET}x DuckDB`, "", ""]);

for (const h of handlers?.handlers ?? []) {
  rows.push([
    `Handler ${h.name}: zip size`,
    `${f(h.zipBytes / 1024, 1)} KiB`,
    "none (target only)",
    "",
    "< 1 MiB",
    pct(h.zipBytes, 1024 * 1024),
    yes(h.zipBytes < 1024 * 1024),
  ]);
  rows.push([
    `Handler ${h.name}: module init`,
    h.initMs === null ? `failed: ${h.error ?? ""}` : `${h.initMs} ms`,
    h.bootMs === null ? "" : `${h.bootMs} ms (bare node start-up, same process)`,
    h.initMs !== null && h.bootMs ? `${f(h.initMs / h.bootMs, 1)}x node start-up` : "",
    "< 300 ms",
    h.initMs === null ? "" : pct(h.initMs, 300),
    yes(h.initMs !== null && h.initMs < 300),
  ]);
}
if (!handlers) rows.push(["Handlers", notMeasured("handlers"), "", "", "< 1 MiB, < 300 ms", "", ""]);

const bareTerraform = terraform
  ? terraform.seconds.init + terraform.seconds.plan + terraform.seconds.apply
  : undefined;
if (local && local.coldSeconds !== null) {
  rows.push([
    "`make local`, cold (after `make local/down`)",
    `${f(local.coldSeconds, 1)} s`,
    bareTerraform === undefined ? "" : `${f(bareTerraform, 1)} s (bare terraform init + plan + apply)`,
    bareTerraform === undefined ? "" : `${f(local.coldSeconds / bareTerraform)}x`,
    "< 240 s",
    pct(local.coldSeconds, 240),
    yes(local.coldSeconds < 240),
  ]);
  const warmRows = (
    label: string,
    r: { warmPlanSeconds?: number | null; warmSeconds: number | null },
    target: number,
  ) => {
    const plans = r.warmPlanSeconds ?? null;
    rows.push([
      `\`make local\`, warm, no change (${label}): plan and apply skipped`,
      r.warmSeconds === null ? "failed or did not skip: see below" : `${f(r.warmSeconds, 1)} s`,
      plans === null ? "" : `${f(plans, 1)} s (a warm run that plans and applies, FORCE_APPLY=1)`,
      plans === null || r.warmSeconds === null ? "" : `${f(plans / r.warmSeconds, 1)}x faster`,
      `< ${target} s`,
      r.warmSeconds === null ? "" : pct(r.warmSeconds, target),
      yes(r.warmSeconds !== null && r.warmSeconds < target),
    ]);
  };
  warmRows("2 example pipelines", local, 20);
  if (local.many) {
    const many = local.many;
    rows.push([
      `\`make local\`, cold, ${many.pipelines} pipelines`,
      many.coldSeconds === null ? "failed: see below" : `${f(many.coldSeconds, 1)} s`,
      `${f(local.coldSeconds, 1)} s (2 pipelines)`,
      many.coldSeconds === null ? "" : `${f(many.coldSeconds / local.coldSeconds)}x`,
      "",
      "",
      "",
    ]);
    warmRows(`${many.pipelines} pipelines`, many, 30);
  }
} else
  rows.push([
    "`make local`",
    local ? "failed: see below" : notMeasured("local"),
    "",
    "",
    "warm < 60 s, cold < 240 s",
    "",
    "",
  ]);

if (terraform) {
  const t = terraform.seconds;
  rows.push(
    [
      `terraform plan, local stack (${terraform.resourcesPlanned} resources)`,
      `${f(t.plan, 1)} s`,
      `${f(t.replan, 1)} s (re-plan after apply: ${terraform.replanClean ? "no changes" : "not clean, see below"})`,
      `${f(t.plan / t.replan)}x`,
      "none",
      "",
      "",
    ],
    [
      `terraform apply, local stack (${terraform.resourcesInState} in state)`,
      `${f(t.apply, 1)} s`,
      `${f(t.plan, 1)} s (its plan)`,
      `${f(t.apply / t.plan, 1)}x`,
      "none",
      `${f(t.apply / Math.max(1, terraform.resourcesPlanned))} s/resource`,
      "",
    ],
  );
} else rows.push(["terraform plan/apply", notMeasured("terraform"), "", "", "", "", ""]);

rows.push([
  "Cost per GB ingested, 1 GB/day in 1,000 files",
  `$${f(cost.eventLake.usdPerGb)}`,
  `$${f(cost.seeds.usdPerGb)} (the seeds' design)`,
  `${f(cost.ratio, 1)}x cheaper`,
  ">= 5x cheaper",
  pct(cost.ratio, 5),
  yes(cost.ratio >= 5),
]);

const md: string[] = [
  "# Benchmarks",
  "",
  `Generated by \`make bench\` (\`node --import tsx bench/run-all.ts\`) on ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ` +
    `${quick ? "**quick mode** (`BENCH_QUICK=1`: one run per figure, no medians)" : "full mode (medians of several runs where stated)"}. ` +
    "Do not edit by hand: run `make bench` again. Figures, not pass/fail; every baseline was measured in the same run.",
  "",
  "## Machine",
  "",
  "| | |",
  "|---|---|",
  `| cores | ${machine.cores} (${machine.cpu}) |`,
  `| memory | ${f(machine.memoryGiB, 1)} GiB |`,
  `| OS | ${machine.os} |`,
  `| node | ${machine.node} |`,
  `| terraform | ${machine.terraform} |`,
  `| moto | ${machine.moto} |`,
  `| commit | ${machine.git} |`,
  `| load average (1 min) | ${f(loadBefore)} at start, ${f(loadAfter)} at end: the cores are shared, so times are upper bounds |`,
  "",
  "## Summary",
  "",
  "| figure | measured | baseline (same run) | ratio | target | how close | meets |",
  "|---|---:|---:|---:|---|---:|---|",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  "## Runs",
  "",
  "| benchmark | wall time of the step | runs per figure | output |",
  "|---|---:|---|---|",
  ...steps.map((s) => {
    const runsPer: Record<string, string> = {
      synth: `median of ${synth?.runs ?? (quick ? 1 : 5)}`,
      converter: `median of ${sizes[0]?.runs ?? (quick ? 1 : 3)}`,
      handlers: `median of ${handlers?.runs ?? 5} (fixed in bench/handlers.ts)`,
      terraform: "1 (an apply takes minutes)",
      local: "per lake: 1 cold, 1 warm that plans, 1 warm with no change",
    };
    return `| ${s.name} | ${s.skipped ? "skipped" : `${f(s.seconds, 1)} s`} | ${runsPer[s.name] ?? ""} | ${s.skipped ? s.skipped : s.ok ? `bench/out/${s.name}.json` : "**failed**"} |`;
  }),
  "",
];

if (sizes.length > 0) {
  const load = (r: ConverterRow) =>
    r.loadAverage ? `${f(r.loadAverage.before[0] ?? 0)} / ${f(r.loadAverage.after[0] ?? 0)}` : "-";
  const cpuRatio = (r: ConverterRow) => (r.cpuRatio === undefined ? "-" : `${f(r.cpuRatio)}x`);
  const formats = converter?.formats ?? [];
  md.push(
    "## Converter (drop-to-raw) vs DuckDB COPY",
    "",
    `\`bench/converter.ts\`: 8-column generated CSV; the converter (${converter?.pipe === false ? "numbering pre-pass, then DuckDB reading the finished file" : "numbering pre-pass streamed to DuckDB through a named pipe"}, typed casts, quarantine, Parquet partitioned by country) against \`COPY (FROM read_csv(...)) TO ...parquet\` on the same file, each in its own process, alternating; ${converter?.threads} DuckDB threads, converter memory limit ${converter?.memoryLimitMb} MB. The ratio is of wall times (medians); the CPU ratio is the median of each run's DuckDB / converter CPU time (user + system, every thread), which moves less with the shared machine's load; load is the 1-minute load average before the first and after the last run of the size.`,
    "",
    "| rows | CSV | converter rows/s | converter peak RSS | converter Parquet | DuckDB rows/s | DuckDB peak RSS | DuckDB Parquet | ratio | CPU ratio | load |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...sizes.map(
      (r) =>
        `| ${f(r.rows, 0)} | ${f(r.csvMb, 0)} MB | ${f(r.converter.rowsPerSecond, 0)} | ${f(r.converter.peakRssMb, 0)} MB | ${f(r.converter.parquetMb, 1)} MB | ${f(r.duckdbCopy.rowsPerSecond, 0)} | ${f(r.duckdbCopy.peakRssMb, 0)} MB | ${f(r.duckdbCopy.parquetMb, 1)} MB | ${f(r.throughputRatio)}x | ${cpuRatio(r)} | ${load(r)} |`,
    ),
    "",
  );
  if (formats.length > 0)
    md.push(
      "The same rows in other formats, each against DuckDB's own reader of that format (`read_csv` of the .gz, which DuckDB decompresses on one thread; `read_json(..., format = 'newline_delimited')`, types detected):",
      "",
      "| rows | format | file | converter rows/s | converter peak RSS | DuckDB rows/s | DuckDB peak RSS | ratio | CPU ratio | load |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...formats.map(
        (r) =>
          `| ${f(r.rows, 0)} | ${FORMAT_LABEL[r.format]} | ${f(r.inputMb, 0)} MB | ${f(r.converter.rowsPerSecond, 0)} | ${f(r.converter.peakRssMb, 0)} MB | ${f(r.duckdbCopy.rowsPerSecond, 0)} | ${f(r.duckdbCopy.peakRssMb, 0)} MB | ${f(r.throughputRatio)}x | ${cpuRatio(r)} | ${load(r)} |`,
      ),
      "",
    );
}
if (handlers) {
  md.push(
    "## Handlers",
    "",
    `\`bench/handlers.ts\`: each bundle's zip as deployed, and its init time: a fresh \`node\` ${handlers.node} (Lambda's major) importing the extracted bundle with the environment the local stack deploys it with (module evaluation and the clients each handler builds at module scope).`,
    "",
    "| handler | zip | init | bare node start-up |",
    "|---|---:|---:|---:|",
    ...handlers.handlers.map(
      (h) =>
        `| ${h.name} | ${f(h.zipBytes / 1024, 1)} KiB | ${h.initMs === null ? `failed: ${h.error ?? ""}` : `${h.initMs} ms`} | ${h.bootMs ?? "-"} ms |`,
    ),
    "",
    handlers.layer
      ? `The DuckDB layer is ${f(handlers.layer.zipBytes / 2 ** 20, 1)} MiB and is not counted against the 1 MiB target.`
      : "",
    "",
  );
}
if (terraform) {
  const t = terraform.seconds;
  md.push(
    "## Terraform against moto",
    "",
    "`bench/terraform.ts`: the `local` stack synthesized for a fresh moto on a free port with its own temporary state, then `init`, `plan -out`, `apply` of that plan, and a second `plan`.",
    "",
    "| step | seconds |",
    "|---|---:|",
    `| start moto | ${f(t.motoStart, 1)} |`,
    `| synth (local stack, in process) | ${f(t.synth, 1)} |`,
    `| terraform init | ${f(t.init, 1)} |`,
    `| terraform plan (${terraform.resourcesPlanned} to create) | ${f(t.plan, 1)} |`,
    `| terraform apply | ${f(t.apply, 1)} |`,
    `| terraform plan again | ${f(t.replan, 1)} (${replanLabel(terraform)}) |`,
    "",
    terraform.replanClean
      ? "The re-plan after apply is clean."
      : `**The re-plan after apply is not clean**: ${replanLabel(terraform)}. Each such in-place update also runs on every warm \`make local\`.`,
    "",
  );
}
if (local) {
  md.push(
    "## `make local`",
    "",
    "`bench/local.ts`: `make local` timed as a child process with its own state dir (`EVENT_LAKE_LOCAL_STATE_DIR=.eventlake/bench-local`, so another engineer's local moto is left alone). Cold: after `make local/down` (fresh moto, empty state); node_modules, dist/ and the provider cache stay warm, so npm install is not in it. Then, for the 2 example pipelines and for " +
      `${local.many?.pipelines ?? 20} (the examples plus ${(local.many?.pipelines ?? 20) - 2} generated by \`EVENT_LAKE_BENCH_EXTRA_PIPELINES\`)` +
      ": a warm run that plans and applies (`FORCE_APPLY=1`, the baseline: every warm run did this before the fast path), then a warm run with nothing changed, whose output must say that plan and apply were skipped (same stack, same handler zips, same moto, same state as the recorded apply).",
    "",
    ...(local.errors.length > 0 ? ["Errors:", "", "```", ...local.errors, "```", ""] : []),
  );
}

md.push(
  "## Cost per GB ingested",
  "",
  `\`src/cost\` (\`make cost\`), at ${volume.gbPerDay} GB/day in ${f(volume.filesPerDay, 0)} files, ${volume.queriesPerDay} queries/day scanning ${volume.gbScannedPerQuery} GB, ${volume.pipelines} pipelines, Redshift busy ${volume.redshiftHoursPerDay} h/day, ${volume.pullsPerDay} pulls/day; ${inputs.prices.region} on-demand **list prices as of ${inputs.prices.asOf}, which must be re-checked** against the pages cited below before anyone relies on them. A month is 30 days.`,
  "",
  ...inputs.provenance.map((p) => `- ${p}`),
  "",
  comparisonTable(cost, "markdown"),
  "",
  "Where the minimums dominate: every crawler run is billed at least 10 minutes although an event-mode crawl over a few new objects uses about 1.5, so 85% of every crawler line is minimum; the seeds' design pays that once per file. Its Spark job costs 2 DPU (G.1X, the 2-worker minimum) for about 2 minutes per file whatever the file's size, which at 1 MB per file is almost entirely start-up. Athena's 10 MB minimum binds on event-lake's small per-cycle transforms, but at cents.",
  "",
  "Crawl interval (the crawler chain starts a crawl at most this often, and only when files arrived):",
  "",
  "| crawl interval | event-lake monthly | per GB | seeds / event-lake |",
  "|---:|---:|---:|---:|",
  ...sensitivity.map(
    ({ minutes, c }) =>
      `| ${minutes} min | $${f(c.eventLake.monthlyUsd)} | $${f(c.eventLake.usdPerGb)} | ${f(c.ratio, 1)}x |`,
  ),
  "",
  "Files per day at 1 GB/day (the seeds' cost follows the file count, event-lake's barely does):",
  "",
  "| files/day | event-lake per GB | seeds per GB | ratio |",
  "|---:|---:|---:|---:|",
  ...byFiles.map(
    ({ filesPerDay, c }) =>
      `| ${f(filesPerDay, 0)} | $${f(c.eventLake.usdPerGb)} | $${f(c.seeds.usdPerGb)} | ${f(c.ratio, 1)}x |`,
  ),
  "",
  "### event-lake, per service",
  "",
  costTable(ours, "markdown"),
  "",
  "### The seeds' design (a Glue crawler run and a Glue Spark job per dropped file), per service",
  "",
  costTable(seeds, "markdown"),
  "",
  "Notes:",
  "",
  ...[...new Set([...costNotes(ours), ...costNotes(seeds)])].map((n) => `- ${n}`),
  "",
  "Prices used:",
  "",
  ...priceSources([...ours, ...seeds]).map((s) => `- ${s}`),
  "",
  "Not modelled: free tiers, data transfer, Glue Data Catalog requests, QuickSight (per user, not per GB), Lambda INIT billing, S3 access-log storage. Every per-run assumption (crawl minutes, DPUs, transitions per transform, log bytes per file, ...) is a named default in `src/cost/model.ts` (`DEFAULT_ASSUMPTIONS`).",
  "",
);

mkdirSync(dirname(DOC), { recursive: true });
writeFileSync(
  DOC,
  `${md
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`,
);
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
writeFileSync(
  join(OUT, "run-all.json"),
  `${JSON.stringify({ startedAt: startedAt.toISOString(), quick, machine, steps, load: [loadBefore, loadAfter], cost }, null, 2)}\n`,
);
process.stderr.write(`\nwritten: ${DOC}\n`);
console.log(
  rows.map((r) => `${r[0]}: ${r[1]} vs ${r[2]} ${r[3]} (target ${r[4]}; meets: ${r[6]})`).join("\n"),
);
