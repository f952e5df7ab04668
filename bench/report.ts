/**
 * The report writer of `make bench`: a pure function from what the benchmarks wrote (bench/out/<name>.json), the
 * machine's facts and the cost model's result to the Markdown of docs/BENCHMARKS.md. bench/run-all.ts runs the
 * steps and calls it; bench/report.test.ts pins its rows. Nothing here reads a file, the clock or the machine.
 *
 * Every figure stands beside a baseline measured in the same run (issue 18): the converter beside DuckDB's COPY of
 * the same file, run by run; a warm `make local` beside the cold one and a warm one that plans; the orchestrator's
 * zip beside the other handlers'.
 */
import { comparisonTable, costNotes, costTable, priceSources } from "../src/cost/format.js";
import type { ModelInputs } from "../src/cost/inputs.js";
import {
  type Comparison,
  type CostLine,
  compare,
  DEFAULT_VOLUME,
  estimate,
  estimateSeeds,
  type Volume,
} from "../src/cost/model.js";

/** The converter's throughput target, as a fraction of DuckDB's plain COPY of the same file (issue 18). */
export const CONVERTER_TARGET = 0.8;
/** Converter peak RSS may grow at most this much from 1M to 4M rows (4x the data) to count as flat. */
export const FLAT_MEMORY_GROWTH = 1.25;
/** The converter's peak RSS target over every CSV run (issue 18). */
export const CONVERTER_PEAK_MB = 400;
/** `make local` targets: cold, and warm with no change for the example lake and for the larger one (issue 18). */
export const LOCAL_TARGETS = { coldSeconds: 240, warmSeconds: 20, warmManySeconds: 30 } as const;
/** Handler targets: zip and module init. */
export const HANDLER_TARGETS = { zipBytes: 1024 * 1024, initMs: 300 } as const;

// ---- what the steps hand over

/** One benchmark step of run-all: a child process that writes bench/out/<name>.json. */
export interface Step {
  readonly name: string;
  readonly seconds: number;
  readonly ok: boolean;
  readonly skipped?: string;
}

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly terraform: string;
  readonly moto: string;
  readonly git: string;
}

/** The 1, 5 and 15-minute load averages (os.loadavg()); older records hold the 1-minute one only. */
export type LoadAverage = readonly number[];

export interface RunFacts {
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly steps: readonly Step[];
  readonly load: { readonly start: LoadAverage; readonly end: LoadAverage };
}

/** bench/out/synth.json */
export interface SynthOut {
  readonly runs: number;
  readonly deepImports: { readonly seconds: number; readonly rssMb: number };
  readonly packageRoot: { readonly seconds: number; readonly rssMb: number };
}

export interface ConverterSide {
  readonly millis: number;
  /** Missing in reports written before the CPU time was measured. */
  readonly cpuMillis?: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  readonly parquetMb: number;
}

/** One run of bench/converter.ts at one size: DuckDB's COPY, then the converter, on the same file. */
export interface ConverterRun {
  readonly converterMillis: number;
  readonly converterCpuMillis?: number;
  readonly converterPhases?: { readonly prepare: number; readonly convert: number };
  readonly converterPeakRssMb: number;
  readonly duckdbMillis?: number;
  readonly duckdbCpuMillis?: number;
  readonly duckdbPeakRssMb?: number;
  /** DuckDB's wall time over the converter's. */
  readonly ratio: number;
  /** The 1-minute load average after the run's converter child. */
  readonly loadAfter?: number;
  /** The 1-minute load average before the run's DuckDB child (not written yet: the previous run's loadAfter). */
  readonly loadBefore?: number;
  /** The converter's rows read, converted and quarantined (not written yet: converter.ts checks them itself). */
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly rowsRejected?: number;
  /** Rows DuckDB's COPY wrote (not written yet). */
  readonly duckdbRows?: number;
  /** CSV, for context: DuckDB's COPY partitioned like the converter's output, after the converter. */
  readonly duckdbPartitionedMillis?: number;
}

export interface ConverterRow {
  readonly rows: number;
  readonly csvMb: number;
  readonly runs: number;
  readonly converter: ConverterSide;
  readonly duckdbCopy: ConverterSide;
  /** DuckDB's median wall time over the converter's. */
  readonly throughputRatio: number;
  /** The median of the runs' CPU-time ratios. */
  readonly cpuRatio?: number;
  readonly loadAverage?: { readonly before: LoadAverage; readonly after: LoadAverage };
  readonly perRun?: readonly ConverterRun[];
  /** CSV, for context (the target is against the plain COPY): DuckDB's COPY partitioned like the converter's output. */
  readonly duckdbPartitioned?: ConverterSide;
}

/** The same rows as gzip CSV or NDJSON, against DuckDB's own reader of that format. */
export interface FormatRow extends ConverterRow {
  readonly format: "csv.gz" | "ndjson";
  readonly inputMb: number;
}

/** bench/out/converter.json */
export interface ConverterOut {
  readonly threads: number;
  readonly memoryLimitMb: number;
  /** Whether the converter streamed its records to DuckDB (missing: written before the option existed). */
  readonly results: readonly ConverterRow[];
  readonly formats?: readonly FormatRow[];
}

export interface HandlerFigure {
  readonly name: string;
  readonly zipBytes: number;
  readonly initMs: number | null;
  readonly bootMs: number | null;
  readonly error?: string;
}

/** bench/out/handlers.json */
export interface HandlersOut {
  readonly runs: number;
  /** The Node that ran the init probes. */
  readonly node: string;
  readonly layer: { readonly zipBytes: number } | null;
  readonly handlers: readonly HandlerFigure[];
}

/** bench/out/terraform.json */
export interface TerraformOut {
  readonly resourcesPlanned: number;
  readonly resourcesInState: number;
  readonly seconds: {
    readonly motoStart: number;
    readonly synth: number;
    readonly init: number;
    readonly plan: number;
    readonly apply: number;
    readonly replan: number;
  };
  readonly replanClean: boolean;
  readonly replanSummary?: string;
  readonly replanWhitespaceOnly?: number;
  readonly replanError?: string;
}

/** One lake of bench/local.ts: cold, warm that plans and applies, warm with no change. */
export interface LocalScenario {
  readonly pipelines: number;
  readonly coldSeconds: number | null;
  /** A warm run that plans and applies (FORCE_APPLY=1): the baseline. */
  readonly warmPlanSeconds: number | null;
  /** A warm run with nothing changed (null: it failed). */
  readonly warmSeconds: number | null;
  /** The warm run's output said plan and apply were skipped. */
  readonly skipped: boolean;
}

/** bench/out/local.json */
export interface LocalOut {
  /** The example pipelines' lake. */
  readonly examples: LocalScenario;
  /** The larger lake (20 pipelines unless BENCH_LOCAL_PIPELINES says otherwise). */
  readonly many?: LocalScenario;
  readonly errors: readonly string[];
}

/** Everything the benchmarks wrote; a missing one failed or was skipped (its Step says which). */
export interface BenchFigures {
  readonly synth?: SynthOut;
  readonly converter?: ConverterOut;
  readonly handlers?: HandlersOut;
  readonly terraform?: TerraformOut;
  readonly local?: LocalOut;
}

/** The cost model's result at one volume, and what it read. */
export interface CostFigures {
  readonly volume: Volume;
  readonly region: string;
  readonly asOf: string;
  readonly provenance: readonly string[];
  readonly eventLake: readonly CostLine[];
  readonly seeds: readonly CostLine[];
  readonly comparison: Comparison;
  /** The comparison at other crawl intervals (minutes). */
  readonly byCrawlInterval: readonly { readonly minutes: number; readonly comparison: Comparison }[];
  /** The comparison at other file counts per day. */
  readonly byFilesPerDay: readonly { readonly filesPerDay: number; readonly comparison: Comparison }[];
}

/** The cost model at the default volume, at four crawl intervals and three file counts. */
export function costFigures(inputs: ModelInputs, volume: Volume = DEFAULT_VOLUME): CostFigures {
  return {
    volume,
    region: inputs.prices.region,
    asOf: inputs.prices.asOf,
    provenance: inputs.provenance,
    eventLake: estimate(volume, inputs.config, inputs.prices),
    seeds: estimateSeeds(volume, inputs.config, inputs.prices),
    comparison: compare(volume, inputs.config, inputs.prices),
    byCrawlInterval: [15, 60, 240, 1440].map((minutes) => ({
      minutes,
      comparison: compare(
        volume,
        { ...inputs.config, assumptions: { ...inputs.config.assumptions, crawlIntervalMinutes: minutes } },
        inputs.prices,
      ),
    })),
    byFilesPerDay: [100, 1000, 10_000].map((filesPerDay) => ({
      filesPerDay,
      comparison: compare({ ...volume, filesPerDay }, inputs.config, inputs.prices),
    })),
  };
}

// ---- the figures derived from them

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One converter run as the report shows it. */
export interface RunFigures {
  /** 1-based. */
  readonly run: number;
  readonly ratio: number;
  readonly cpuRatio: number | null;
  /** The 1-minute load average before the run's DuckDB child and after its converter child. */
  readonly loadBefore: number | null;
  readonly loadAfter: number | null;
  readonly met: boolean;
  readonly cpuMet: boolean;
  readonly source: ConverterRun;
}

export function converterRuns(row: ConverterRow): RunFigures[] {
  const runs = row.perRun ?? [];
  return runs.map((r, i) => {
    const cpuRatio =
      r.duckdbCpuMillis !== undefined && r.converterCpuMillis !== undefined && r.converterCpuMillis > 0
        ? r.duckdbCpuMillis / r.converterCpuMillis
        : null;
    const loadBefore = r.loadBefore ?? (i === 0 ? row.loadAverage?.before[0] : runs[i - 1]?.loadAfter);
    return {
      run: i + 1,
      ratio: r.ratio,
      cpuRatio,
      loadBefore: loadBefore ?? null,
      loadAfter: r.loadAfter ?? null,
      met: r.ratio >= CONVERTER_TARGET,
      cpuMet: cpuRatio !== null && cpuRatio >= CONVERTER_TARGET,
      source: r,
    };
  });
}

/** Met "in at least two of three runs": in at least two thirds of them (one of one in a quick run). */
export function enoughRuns(met: number, runs: number): boolean {
  return runs > 0 && met >= Math.ceil((2 * runs) / 3);
}

// ---- formatting

const f = (x: number, digits = 2) =>
  x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const yes = (ok: boolean) => (ok ? "yes" : "**no**");
const pct = (measured: number, target: number) => `${Math.round((measured / target) * 100)}% of target`;
const kib = (bytes: number) => `${f(bytes / 1024, 1)} KiB`;
const seconds = (s: number) => `${f(s, 1)} s`;
/** 1000000 -> "1M", 1500000 -> "1,500,000". */
const rowsLabel = (rows: number) => (rows % 1_000_000 === 0 ? `${rows / 1_000_000}M` : f(rows, 0));
/** "median of 3 runs", "1 run" (a quick run). */
const medianOf = (runs: number) => (runs === 1 ? "1 run" : `median of ${runs} runs`);
const loadLabel = (l: LoadAverage) => l.map((x) => f(x)).join(" / ");
const loadAround = (r: RunFigures) =>
  `${r.loadBefore === null ? "-" : f(r.loadBefore)} -> ${r.loadAfter === null ? "-" : f(r.loadAfter)}`;
const FORMAT_LABEL: Record<FormatRow["format"], string> = { "csv.gz": "gzip CSV", ndjson: "NDJSON" };
const FORMAT_READER: Record<FormatRow["format"], string> = { "csv.gz": "read_csv", ndjson: "read_json" };

/** The median of the runs' own wall-time ratios (each converter run beside the DuckDB run just before it). */
function wallRatio(row: ConverterRow, runs: readonly RunFigures[]): number {
  return median(runs.map((r) => r.ratio)) ?? row.throughputRatio;
}
function cpuRatioOf(row: ConverterRow, runs: readonly RunFigures[]): number | undefined {
  const measured = runs.flatMap((r) => (r.cpuRatio === null ? [] : [r.cpuRatio]));
  return median(measured) ?? row.cpuRatio;
}
/** Each run's ratio of DuckDB's partitioned COPY (context, CSV) to its converter run; empty where not measured. */
const partitionedRatios = (row: ConverterRow): number[] =>
  (row.perRun ?? []).flatMap((r) =>
    r.duckdbPartitionedMillis === undefined ? [] : [r.duckdbPartitionedMillis / r.converterMillis],
  );
const ratioList = (xs: readonly (number | null)[]) =>
  xs.map((x) => (x === null ? "-" : `${f(x)}x`)).join(", ");

/** The second plan, in words: terraform's own summary and how many of its diffs are whitespace-only. */
export function replanLabel(t: TerraformOut): string {
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

// ---- the summary table

export type Row = readonly [
  figure: string,
  measured: string,
  baseline: string,
  ratio: string,
  target: string,
  closeness: string,
  meets: string,
];

/** The summary table's rows: each figure beside its same-run baseline, the ratio and the target. */
export function summaryRows(facts: RunFacts, figures: BenchFigures, cost: CostFigures): Row[] {
  const notMeasured = (name: string) => {
    const s = facts.steps.find((x) => x.name === name);
    return s?.skipped ? `skipped (${s.skipped})` : "failed: see the run's output";
  };
  return [
    ...synthRows(figures.synth, notMeasured),
    ...converterRows(figures.converter, notMeasured),
    ...handlerRows(figures.handlers, notMeasured),
    ...localRows(figures.local, figures.terraform, notMeasured),
    ...terraformRows(figures.terraform, notMeasured),
    [
      `Cost per GB ingested, ${f(cost.volume.gbPerDay, 0)} GB/day in ${f(cost.volume.filesPerDay, 0)} files`,
      `$${f(cost.comparison.eventLake.usdPerGb)}`,
      `$${f(cost.comparison.seeds.usdPerGb)} (the seeds' design)`,
      `${f(cost.comparison.ratio, 1)}x cheaper`,
      ">= 5x cheaper",
      pct(cost.comparison.ratio, 5),
      yes(cost.comparison.ratio >= 5),
    ],
  ];
}

type NotMeasured = (name: string) => string;

function synthRows(synth: SynthOut | undefined, notMeasured: NotMeasured): Row[] {
  if (!synth) return [["Synth", notMeasured("synth"), "", "", "< 1.5 s, < 300 MB", "", ""]];
  const d = synth.deepImports;
  const b = synth.packageRoot;
  return [
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
  ];
}

function converterRows(converter: ConverterOut | undefined, notMeasured: NotMeasured): Row[] {
  const sizes = converter?.results ?? [];
  if (sizes.length === 0)
    return [["Converter", notMeasured("converter"), "", "", `>= ${CONVERTER_TARGET}x DuckDB`, "", ""]];
  const rows: Row[] = [];
  for (const r of sizes) {
    const runs = converterRuns(r);
    const n = runs.length;
    const wall = wallRatio(r, runs);
    const met = runs.filter((x) => x.met).length;
    const label = `Converter, ${rowsLabel(r.rows)} rows (${f(r.csvMb, 0)} MB CSV)`;
    rows.push([
      `${label}: throughput, ${medianOf(n)}`,
      `${f(r.converter.rowsPerSecond, 0)} rows/s`,
      `${f(r.duckdbCopy.rowsPerSecond, 0)} rows/s (DuckDB COPY)`,
      `${f(wall)}x DuckDB (runs: ${ratioList(runs.map((x) => x.ratio))})`,
      `>= ${CONVERTER_TARGET}x DuckDB in ${Math.ceil((2 * n) / 3)} of ${n} runs`,
      `${pct(wall, CONVERTER_TARGET)}; ${CONVERTER_TARGET}x met in ${met} of ${n} runs`,
      yes(enoughRuns(met, n)),
    ]);
    const cpu = cpuRatioOf(r, runs);
    if (cpu !== undefined && r.converter.cpuMillis !== undefined && r.duckdbCopy.cpuMillis !== undefined)
      rows.push([
        `${label}: CPU time (user + system), ${medianOf(n)}`,
        `${f(r.converter.cpuMillis / 1000)} s`,
        `${f(r.duckdbCopy.cpuMillis / 1000)} s (DuckDB COPY)`,
        `${f(cpu)}x DuckDB (runs: ${ratioList(runs.map((x) => x.cpuRatio))})`,
        "none: moves less with the load than wall time",
        `${CONVERTER_TARGET}x met in ${runs.filter((x) => x.cpuMet).length} of ${n} runs`,
        "",
      ]);
    const each = partitionedRatios(r);
    const partitioned = median(each);
    if (r.duckdbPartitioned !== undefined && partitioned !== undefined) {
      rows.push([
        `${label}: beside DuckDB's COPY partitioned the same way, ${medianOf(n)}`,
        `${f(r.converter.rowsPerSecond, 0)} rows/s`,
        `${f(r.duckdbPartitioned.rowsPerSecond, 0)} rows/s (DuckDB COPY with PARTITION_BY)`,
        `${f(partitioned)}x DuckDB partitioned (runs: ${ratioList(each)})`,
        "none: context, the target is against the plain COPY",
        "",
        "",
      ]);
    }
  }
  for (const r of converter?.formats ?? []) {
    const runs = converterRuns(r);
    rows.push([
      `Converter, ${rowsLabel(r.rows)} rows as ${FORMAT_LABEL[r.format]} (${f(r.inputMb, 0)} MB): throughput, ${medianOf(runs.length)}`,
      `${f(r.converter.rowsPerSecond, 0)} rows/s`,
      `${f(r.duckdbCopy.rowsPerSecond, 0)} rows/s (DuckDB's ${FORMAT_READER[r.format]} COPY)`,
      `${f(wallRatio(r, runs))}x DuckDB`,
      "none (beside DuckDB's own reader)",
      "",
      "",
    ]);
  }
  const small = sizes.find((r) => r.rows === 1_000_000);
  const large = sizes.find((r) => r.rows === 4_000_000);
  if (small && large) {
    const growth = large.converter.peakRssMb / small.converter.peakRssMb;
    const duckGrowth = large.duckdbCopy.peakRssMb / small.duckdbCopy.peakRssMb;
    rows.push([
      "Converter peak RSS, 1M -> 4M rows (medians)",
      `${f(small.converter.peakRssMb, 0)} -> ${f(large.converter.peakRssMb, 0)} MB (x${f(growth)})`,
      `${f(small.duckdbCopy.peakRssMb, 0)} -> ${f(large.duckdbCopy.peakRssMb, 0)} MB (x${f(duckGrowth)}, DuckDB COPY)`,
      `${f(duckGrowth / growth)}x flatter`,
      `flat: growth <= x${FLAT_MEMORY_GROWTH}`,
      `x${f(growth)} growth`,
      yes(growth <= FLAT_MEMORY_GROWTH),
    ]);
  }
  const all = sizes.flatMap((r) => {
    const runs = r.perRun ?? [];
    return runs.length > 0
      ? runs
      : [
          {
            converterPeakRssMb: r.converter.peakRssMb,
            duckdbPeakRssMb: r.duckdbCopy.peakRssMb,
          } as ConverterRun,
        ];
  });
  const peak = Math.max(...all.map((r) => r.converterPeakRssMb));
  const duckPeaks = all.flatMap((r) => (r.duckdbPeakRssMb === undefined ? [] : [r.duckdbPeakRssMb]));
  const duckPeak = duckPeaks.length > 0 ? Math.max(...duckPeaks) : undefined;
  rows.push([
    `Converter peak RSS, highest of the ${all.length} CSV runs`,
    `${f(peak, 0)} MB`,
    duckPeak === undefined ? "" : `${f(duckPeak, 0)} MB (DuckDB COPY, highest)`,
    duckPeak === undefined ? "" : `${f(peak / duckPeak)}x DuckDB`,
    `< ${CONVERTER_PEAK_MB} MB`,
    pct(peak, CONVERTER_PEAK_MB),
    yes(peak < CONVERTER_PEAK_MB),
  ]);
  rows.push(accountedRow(sizes));
  return rows;
}

/** Rows in = out + quarantined, summed over every CSV run, when converter.json records the counts. */
function accountedRow(sizes: readonly ConverterRow[]): Row {
  const runs = sizes.flatMap((r) => r.perRun ?? []);
  const label = "Converter rows accounted for (in = out + quarantined), every CSV run";
  const counted = runs.flatMap((r) =>
    r.rowsIn === undefined || r.rowsOut === undefined || r.rowsRejected === undefined
      ? []
      : [{ rowsIn: r.rowsIn, rowsOut: r.rowsOut, rowsRejected: r.rowsRejected, duckdbRows: r.duckdbRows }],
  );
  if (runs.length === 0 || counted.length < runs.length)
    return [
      label,
      "checked in every run by bench/converter.ts (it fails otherwise); counts not recorded",
      "",
      "",
      "in = out + quarantined",
      "",
      "yes (checked, not recorded)",
    ];
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const rowsIn = sum(counted.map((r) => r.rowsIn));
  const off = counted.filter((r) => r.rowsIn !== r.rowsOut + r.rowsRejected).length;
  const duck = counted.flatMap((r) => (r.duckdbRows === undefined ? [] : [r.duckdbRows]));
  return [
    label,
    `${f(rowsIn, 0)} in = ${f(sum(counted.map((r) => r.rowsOut)), 0)} out + ${f(sum(counted.map((r) => r.rowsRejected)), 0)} quarantined (${counted.length} runs)`,
    duck.length === counted.length ? `${f(sum(duck), 0)} rows (DuckDB COPY)` : "",
    "",
    "in = out + quarantined",
    off === 0 ? "every run" : `${off} of ${counted.length} runs off`,
    yes(off === 0),
  ];
}

function handlerRows(handlers: HandlersOut | undefined, notMeasured: NotMeasured): Row[] {
  if (!handlers) return [["Handlers", notMeasured("handlers"), "", "", "< 1 MiB, < 300 ms", "", ""]];
  const rows: Row[] = [];
  const others = handlers.handlers.filter((h) => h.name !== "orchestrator");
  const largest = [...others].sort((a, b) => b.zipBytes - a.zipBytes)[0];
  const init = (h: HandlerFigure) => (h.initMs === null ? `failed: ${h.error ?? ""}` : `${h.initMs} ms`);
  for (const h of handlers.handlers) {
    const zipOk = h.zipBytes < HANDLER_TARGETS.zipBytes;
    if (h.name === "orchestrator" && largest)
      rows.push([
        "Handler orchestrator: zip size, beside the other handlers'",
        kib(h.zipBytes),
        `${kib(largest.zipBytes)} (${largest.name}, the largest other)`,
        `${f(h.zipBytes / largest.zipBytes)}x`,
        "<= the largest other handler, < 1 MiB",
        `${f((h.zipBytes - largest.zipBytes) / 1024, 1)} KiB ${h.zipBytes > largest.zipBytes ? "over" : "under"}`,
        yes(zipOk && h.zipBytes <= largest.zipBytes),
      ]);
    else
      rows.push([
        `Handler ${h.name}: zip size`,
        kib(h.zipBytes),
        "none (target only)",
        "",
        "< 1 MiB",
        pct(h.zipBytes, HANDLER_TARGETS.zipBytes),
        yes(zipOk),
      ]);
    const initOk = h.initMs !== null && h.initMs < HANDLER_TARGETS.initMs;
    const otherInits = others.flatMap((o) => (o.initMs === null ? [] : [`${o.name} ${o.initMs} ms`]));
    rows.push([
      `Handler ${h.name}: module init`,
      init(h),
      h.name === "orchestrator" && otherInits.length > 0
        ? `${otherInits.join(", ")}; ${h.bootMs ?? "-"} ms bare node start-up`
        : h.bootMs === null
          ? ""
          : `${h.bootMs} ms (bare node start-up, same process)`,
      h.initMs !== null && h.bootMs ? `${f(h.initMs / h.bootMs, 1)}x node start-up` : "",
      `< ${HANDLER_TARGETS.initMs} ms`,
      h.initMs === null ? "" : pct(h.initMs, HANDLER_TARGETS.initMs),
      yes(initOk),
    ]);
  }
  return rows;
}

function localRows(
  local: LocalOut | undefined,
  terraform: TerraformOut | undefined,
  notMeasured: NotMeasured,
): Row[] {
  const examples = local?.examples;
  if (!local || !examples || examples.coldSeconds === null)
    return [
      [
        "`make local`",
        local ? "failed: see below" : notMeasured("local"),
        "",
        "",
        `cold < ${LOCAL_TARGETS.coldSeconds} s; warm, no change < ${LOCAL_TARGETS.warmSeconds} s (examples), < ${LOCAL_TARGETS.warmManySeconds} s (20 pipelines)`,
        "",
        "",
      ],
    ];
  const rows: Row[] = [];
  const bare = terraform
    ? terraform.seconds.init + terraform.seconds.plan + terraform.seconds.apply
    : undefined;
  rows.push([
    `\`make local\`, cold (after \`make local/down\`), ${examples.pipelines} example pipelines`,
    seconds(examples.coldSeconds),
    bare === undefined ? "" : `${seconds(bare)} (bare terraform init + plan + apply)`,
    bare === undefined ? "" : `${f(examples.coldSeconds / bare)}x`,
    `< ${LOCAL_TARGETS.coldSeconds} s`,
    pct(examples.coldSeconds, LOCAL_TARGETS.coldSeconds),
    yes(examples.coldSeconds < LOCAL_TARGETS.coldSeconds),
  ]);
  rows.push(warmRow(`${examples.pipelines} example pipelines`, examples, LOCAL_TARGETS.warmSeconds));
  const many = local.many;
  if (many) {
    rows.push([
      `\`make local\`, cold, ${many.pipelines} pipelines`,
      many.coldSeconds === null ? "failed: see below" : seconds(many.coldSeconds),
      `${seconds(examples.coldSeconds)} (${examples.pipelines} example pipelines)`,
      many.coldSeconds === null ? "" : `${f(many.coldSeconds / examples.coldSeconds)}x`,
      "none",
      "",
      "",
    ]);
    rows.push(warmRow(`${many.pipelines} pipelines`, many, LOCAL_TARGETS.warmManySeconds));
  }
  return rows;
}

/** A warm run with no change, beside the same lake's cold run and its warm run that plans and applies. */
function warmRow(lake: string, s: LocalScenario, target: number): Row {
  const baselines = [
    s.coldSeconds === null ? undefined : `${seconds(s.coldSeconds)} cold`,
    s.warmPlanSeconds === null ? undefined : `${seconds(s.warmPlanSeconds)} warm that plans (FORCE_APPLY=1)`,
  ].filter((x) => x !== undefined);
  const warm = s.warmSeconds;
  const faster = [
    warm === null || s.coldSeconds === null ? undefined : `${f(s.coldSeconds / warm, 1)}x faster than cold`,
    warm === null || s.warmPlanSeconds === null
      ? undefined
      : `${f(s.warmPlanSeconds / warm, 1)}x than planning`,
  ].filter((x) => x !== undefined);
  return [
    `\`make local\`, warm, no change, ${lake}`,
    warm === null
      ? "failed: see below"
      : `${seconds(warm)}, plan and apply ${s.skipped ? "skipped" : "**not skipped**"}`,
    baselines.join("; "),
    faster.join(", "),
    `< ${target} s, plan and apply skipped`,
    warm === null ? "" : pct(warm, target),
    yes(warm !== null && s.skipped && warm < target),
  ];
}

function terraformRows(terraform: TerraformOut | undefined, notMeasured: NotMeasured): Row[] {
  if (!terraform) return [["terraform plan/apply", notMeasured("terraform"), "", "", "", "", ""]];
  const t = terraform.seconds;
  return [
    [
      `terraform plan, local stack (${terraform.resourcesPlanned} resources)`,
      seconds(t.plan),
      `${seconds(t.replan)} (re-plan after apply: ${terraform.replanClean ? "no changes" : "not clean, see below"})`,
      `${f(t.plan / t.replan)}x`,
      "none",
      "",
      "",
    ],
    [
      `terraform apply, local stack (${terraform.resourcesInState} in state)`,
      seconds(t.apply),
      `${seconds(t.plan)} (its plan)`,
      `${f(t.apply / t.plan, 1)}x`,
      "none",
      `${f(t.apply / Math.max(1, terraform.resourcesPlanned))} s/resource`,
      "",
    ],
  ];
}

// ---- the document

/** docs/BENCHMARKS.md (before Biome aligns its tables). */
export function renderReport(facts: RunFacts, figures: BenchFigures, cost: CostFigures): string {
  const { machine, quick, steps } = facts;
  const { synth, converter, handlers, terraform, local } = figures;
  const rows = summaryRows(facts, figures, cost);
  const sizes = converter?.results ?? [];
  const md: string[] = [
    "# Benchmarks",
    "",
    `Generated by \`make bench\` (\`node --import tsx bench/run-all.ts\`) on ${facts.startedAt.slice(0, 16).replace("T", " ")} UTC, ` +
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
    `| load average (1 / 5 / 15 min) | ${loadLabel(facts.load.start)} at start, ${loadLabel(facts.load.end)} at end: the cores are shared, so times are upper bounds |`,
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
        converter: `median of ${sizes[0]?.runs ?? (quick ? 1 : 3)}, each run's ratio below`,
        handlers: `median of ${handlers?.runs ?? 5} (fixed in bench/handlers.ts)`,
        terraform: "1 (an apply takes minutes)",
        local: "per lake: 1 cold, 1 warm that plans, 1 warm with no change",
      };
      return `| ${s.name} | ${s.skipped ? "skipped" : seconds(s.seconds)} | ${runsPer[s.name] ?? ""} | ${s.skipped ? s.skipped : s.ok ? `bench/out/${s.name}.json` : "**failed**"} |`;
    }),
    "",
  ];
  if (converter && sizes.length > 0) md.push(...converterSection(converter));
  if (handlers) md.push(...handlersSection(handlers));
  if (terraform) md.push(...terraformSection(terraform));
  if (local) md.push(...localSection(local));
  md.push(...costSection(cost));
  return `${md
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function converterSection(converter: ConverterOut): string[] {
  const sizes = converter.results;
  const formats = converter.formats ?? [];
  const cpuRatio = (r: ConverterRow) => {
    const x = cpuRatioOf(r, converterRuns(r));
    return x === undefined ? "-" : `${f(x)}x`;
  };
  const load = (r: ConverterRow) =>
    r.loadAverage ? `${f(r.loadAverage.before[0] ?? 0)} -> ${f(r.loadAverage.after[0] ?? 0)}` : "-";
  const ms = (x: number | undefined) => (x === undefined ? "-" : f(x, 0));
  const mb = (x: number | undefined) => (x === undefined ? "-" : `${f(x, 0)} MB`);
  const perRun = sizes.flatMap((r) =>
    converterRuns(r).map((x) => {
      const s = x.source;
      const phases = s.converterPhases
        ? `${ms(s.converterPhases.prepare)} + ${ms(s.converterPhases.convert)}`
        : "-";
      const accounted =
        s.rowsIn === undefined
          ? "-"
          : `${f(s.rowsIn, 0)} = ${f(s.rowsOut ?? 0, 0)} + ${f(s.rowsRejected ?? 0, 0)}`;
      return `| ${rowsLabel(r.rows)} | ${x.run} | ${ms(s.duckdbMillis)} | ${ms(s.duckdbCpuMillis)} | ${mb(s.duckdbPeakRssMb)} | ${ms(s.converterMillis)} | ${ms(s.converterCpuMillis)} | ${phases} | ${mb(s.converterPeakRssMb)} | ${accounted} | ${f(x.ratio)}x | ${x.cpuRatio === null ? "-" : `${f(x.cpuRatio)}x`} | ${x.met ? "yes" : "no"} | ${loadAround(x)} |`;
    }),
  );
  const metLines = sizes.map((r) => {
    const runs = converterRuns(r);
    const n = runs.length;
    const met = runs.filter((x) => x.met).length;
    const cpu = cpuRatioOf(r, runs);
    return n === 0
      ? `- ${rowsLabel(r.rows)} rows: no per-run figures in converter.json; ratio of the medians ${f(r.throughputRatio)}x.`
      : `- ${rowsLabel(r.rows)} rows: **${CONVERTER_TARGET}x met in ${met} of ${n} runs** (wall time; ${runs.filter((x) => x.cpuMet).length} of ${n} by CPU time); median ratio ${f(wallRatio(r, runs))}x${cpu === undefined ? "" : `, CPU ${f(cpu)}x`}; 1-minute load around each run: ${runs.map(loadAround).join(", ")}.`;
  });
  return [
    "## Converter (drop-to-raw) vs DuckDB COPY",
    "",
    `\`bench/converter.ts\`: 8-column generated CSV; the converter (numbering pre-pass, its quote-free lines numbered in WebAssembly, with DuckDB's instance opening beside it, then DuckDB reading the finished numbered file on all its threads, typed casts, quarantine, Parquet partitioned by country) against \`COPY (FROM read_csv(...)) TO ...parquet\` on the same file, each in its own process and each loading DuckDB itself, alternating (DuckDB first in each run); ${converter.threads} DuckDB threads, converter memory limit ${converter.memoryLimitMb} MB. Throughput and peak RSS are medians of the runs; a ratio is the median of the runs' own ratios (DuckDB's time over the converter's in the same run), wall time and CPU time (user + system, every thread: it moves less with the shared machine's load). Load is the 1-minute load average.`,
    "",
    "| rows | CSV | converter rows/s | converter peak RSS | converter Parquet | DuckDB rows/s | DuckDB peak RSS | DuckDB Parquet | ratio | CPU ratio | load, first -> last run |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...sizes.map(
      (r) =>
        `| ${f(r.rows, 0)} | ${f(r.csvMb, 0)} MB | ${f(r.converter.rowsPerSecond, 0)} | ${f(r.converter.peakRssMb, 0)} MB | ${f(r.converter.parquetMb, 1)} MB | ${f(r.duckdbCopy.rowsPerSecond, 0)} | ${f(r.duckdbCopy.peakRssMb, 0)} MB | ${f(r.duckdbCopy.parquetMb, 1)} MB | ${f(wallRatio(r, converterRuns(r)))}x | ${cpuRatio(r)} | ${load(r)} |`,
    ),
    "",
    ...metLines,
    "",
    ...(sizes.some((r) => r.duckdbPartitioned !== undefined)
      ? [
          "For context, not the target: after each run's converter, DuckDB's own `COPY ... (FORMAT parquet, PARTITION_BY (country))` of the same file, the write the converter does. The plain COPY writes one file; the partitioned write is DuckDB's own cost of the converter's output layout:",
          "",
          "| rows | DuckDB plain COPY rows/s | DuckDB partitioned COPY rows/s | converter rows/s | converter / partitioned COPY (median of the runs) |",
          "|---:|---:|---:|---:|---:|",
          ...sizes.flatMap((r) => {
            const ratio = median(partitionedRatios(r));
            return r.duckdbPartitioned === undefined || ratio === undefined
              ? []
              : [
                  `| ${f(r.rows, 0)} | ${f(r.duckdbCopy.rowsPerSecond, 0)} | ${f(r.duckdbPartitioned.rowsPerSecond, 0)} | ${f(r.converter.rowsPerSecond, 0)} | ${f(ratio)}x |`,
                ];
          }),
          "",
        ]
      : []),
    ...(perRun.length > 0
      ? [
          "Each run (times in ms; the converter's numbering pre-pass + its DuckDB part; rows in = out + quarantined when converter.json records them):",
          "",
          "| rows | run | DuckDB | DuckDB CPU | DuckDB peak RSS | converter | converter CPU | pre-pass + DuckDB | converter peak RSS | rows in = out + quarantined | ratio | CPU ratio | >= 0.8x | load before -> after |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
          ...perRun,
          "",
        ]
      : []),
    ...(formats.length > 0
      ? [
          "The same rows in other formats, each against DuckDB's own reader of that format (`read_csv` of the .gz, which DuckDB decompresses on one thread; `read_json(..., format = 'newline_delimited')`, types detected):",
          "",
          "| rows | format | file | converter rows/s | converter peak RSS | DuckDB rows/s | DuckDB peak RSS | ratio | CPU ratio | load, first -> last run |",
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
          ...formats.map(
            (r) =>
              `| ${f(r.rows, 0)} | ${FORMAT_LABEL[r.format]} | ${f(r.inputMb, 0)} MB | ${f(r.converter.rowsPerSecond, 0)} | ${f(r.converter.peakRssMb, 0)} MB | ${f(r.duckdbCopy.rowsPerSecond, 0)} | ${f(r.duckdbCopy.peakRssMb, 0)} MB | ${f(wallRatio(r, converterRuns(r)))}x | ${cpuRatio(r)} | ${load(r)} |`,
          ),
          "",
        ]
      : []),
  ];
}

function handlersSection(handlers: HandlersOut): string[] {
  return [
    "## Handlers",
    "",
    `\`bench/handlers.ts\`: each bundle's zip as deployed, and its init time: a fresh \`node\` ${handlers.node} (Lambda's major) importing the extracted bundle with the environment the local stack deploys it with (module evaluation and the clients each handler builds at module scope), median of ${handlers.runs} processes.`,
    "",
    "| handler | zip | init | bare node start-up |",
    "|---|---:|---:|---:|",
    ...handlers.handlers.map(
      (h) =>
        `| ${h.name} | ${kib(h.zipBytes)} | ${h.initMs === null ? `failed: ${h.error ?? ""}` : `${h.initMs} ms`} | ${h.bootMs ?? "-"} ms |`,
    ),
    "",
    handlers.layer
      ? `The DuckDB layer is ${f(handlers.layer.zipBytes / 2 ** 20, 1)} MiB and is not counted against the 1 MiB target.`
      : "",
    "",
  ];
}

function terraformSection(terraform: TerraformOut): string[] {
  const t = terraform.seconds;
  return [
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
      : `**The re-plan after apply is not clean**: ${replanLabel(terraform)}. Each such in-place update also runs on every warm \`make local\` that plans.`,
    "",
  ];
}

function localSection(local: LocalOut): string[] {
  const lakes = [
    { name: "example pipelines", s: local.examples, target: LOCAL_TARGETS.warmSeconds },
    ...(local.many
      ? [
          {
            name: `examples plus ${local.many.pipelines - local.examples.pipelines} generated`,
            s: local.many,
            target: LOCAL_TARGETS.warmManySeconds,
          },
        ]
      : []),
  ];
  const cell = (x: number | null) => (x === null ? "failed" : seconds(x));
  const many = local.many?.pipelines ?? 20;
  return [
    "## `make local`",
    "",
    "`bench/local.ts`: `make local` timed as a child process with its own state dir (`EVENT_LAKE_LOCAL_STATE_DIR=.eventlake/bench-local`, so another engineer's local moto is left alone). Cold: after `make local/down` (fresh moto, empty state); node_modules, dist/ and the provider cache stay warm, so npm install is not in it. Then, for the " +
      `${local.examples.pipelines} example pipelines and for ${many} (the examples plus ${many - local.examples.pipelines} generated by \`EVENT_LAKE_BENCH_EXTRA_PIPELINES\`)` +
      ": a warm run that plans and applies (`FORCE_APPLY=1`, the baseline: every warm run did this before the fast path), then a warm run with nothing changed, whose output must say that plan and apply were skipped (same stack, same handler zips, same moto, same state as the recorded apply).",
    "",
    "| lake | pipelines | cold | warm that plans and applies | warm, no change | plan and apply skipped | target (warm, no change) |",
    "|---|---:|---:|---:|---:|---|---|",
    ...lakes.map(
      ({ name, s, target }) =>
        `| ${name} | ${s.pipelines} | ${cell(s.coldSeconds)} | ${cell(s.warmPlanSeconds)} | ${cell(s.warmSeconds)} | ${s.warmSeconds === null ? "-" : s.skipped ? "yes" : "**no**"} | < ${target} s |`,
    ),
    "",
    ...(local.errors.length > 0 ? ["Errors:", "", "```", ...local.errors, "```", ""] : []),
  ];
}

function costSection(cost: CostFigures): string[] {
  const v = cost.volume;
  return [
    "## Cost per GB ingested",
    "",
    `\`src/cost\` (\`make cost\`), at ${v.gbPerDay} GB/day in ${f(v.filesPerDay, 0)} files, ${v.queriesPerDay} queries/day scanning ${v.gbScannedPerQuery} GB, ${v.pipelines} pipelines, Redshift busy ${v.redshiftHoursPerDay} h/day, ${v.pullsPerDay} pulls/day; ${cost.region} on-demand **list prices as of ${cost.asOf}, which must be re-checked** against the pages cited below before anyone relies on them. A month is 30 days.`,
    "",
    ...cost.provenance.map((p) => `- ${p}`),
    "",
    comparisonTable(cost.comparison, "markdown"),
    "",
    "Where the minimums dominate: every crawler run is billed at least 10 minutes although an event-mode crawl over a few new objects uses about 1.5, so 85% of every crawler line is minimum; the seeds' design pays that once per file. Its Spark job costs 2 DPU (G.1X, the 2-worker minimum) for about 2 minutes per file whatever the file's size, which at 1 MB per file is almost entirely start-up. Athena's 10 MB minimum binds on event-lake's small per-cycle transforms, but at cents.",
    "",
    "Crawl interval (the crawler chain starts a crawl at most this often, and only when files arrived):",
    "",
    "| crawl interval | event-lake monthly | per GB | seeds / event-lake |",
    "|---:|---:|---:|---:|",
    ...cost.byCrawlInterval.map(
      ({ minutes, comparison: c }) =>
        `| ${minutes} min | $${f(c.eventLake.monthlyUsd)} | $${f(c.eventLake.usdPerGb)} | ${f(c.ratio, 1)}x |`,
    ),
    "",
    `Files per day at ${v.gbPerDay} GB/day (the seeds' cost follows the file count, event-lake's barely does):`,
    "",
    "| files/day | event-lake per GB | seeds per GB | ratio |",
    "|---:|---:|---:|---:|",
    ...cost.byFilesPerDay.map(
      ({ filesPerDay, comparison: c }) =>
        `| ${f(filesPerDay, 0)} | $${f(c.eventLake.usdPerGb)} | $${f(c.seeds.usdPerGb)} | ${f(c.ratio, 1)}x |`,
    ),
    "",
    "### event-lake, per service",
    "",
    costTable(cost.eventLake, "markdown"),
    "",
    "### The seeds' design (a Glue crawler run and a Glue Spark job per dropped file), per service",
    "",
    costTable(cost.seeds, "markdown"),
    "",
    "Notes:",
    "",
    ...[...new Set([...costNotes(cost.eventLake), ...costNotes(cost.seeds)])].map((n) => `- ${n}`),
    "",
    "Prices used:",
    "",
    ...priceSources([...cost.eventLake, ...cost.seeds]).map((s) => `- ${s}`),
    "",
    "Not modelled: free tiers, data transfer, Glue Data Catalog requests, QuickSight (per user, not per GB), Lambda INIT billing, S3 access-log storage. Every per-run assumption (crawl minutes, DPUs, transitions per transform, log bytes per file, ...) is a named default in `src/cost/model.ts` (`DEFAULT_ASSUMPTIONS`).",
    "",
  ];
}
