/**
 * Benchmark of the drop-to-raw converter core against DuckDB's own CSV-to-Parquet COPY on the same file.
 *
 *   node --import tsx bench/converter.ts [--rows 1000000,4000000] [--runs 3] [--threads N] [--memory-mb 192]
 *                                        [--format-rows 1000000]
 *
 * Generates an 8-column CSV (ints, doubles, strings, timestamps) per size in a temp dir, then for each run starts one
 * child process for the converter (`convertFile`: number records, DuckDB cast/validate, Parquet partitioned by country
 * with the handler's default snappy, quarantine) and one for the baseline `COPY (FROM read_csv('f.csv')) TO
 * 'f.parquet'`, each reporting its wall time, CPU time (user + system, all threads) and peak RSS
 * (`process.resourceUsage().maxRSS`); then, for context only, a third child: the same COPY partitioned by country as
 * the converter's output is (`PARTITION_BY`), which shows how much of the gap is DuckDB's own partitioned write. Then the same rows at `--format-rows` (0: skip) as gzip CSV and as NDJSON, each
 * against DuckDB's own reader of that format (`read_csv` of the .gz, `read_json` of the NDJSON). Prints every run and
 * the medians, and writes bench/out/converter.json with each run's figures and the load average around each size (the
 * machine is shared: compare a run's ratio with the baseline measured beside it; the CPU-time ratio moves less with
 * the load than the wall-time ratio).
 */
import { execFileSync, spawn } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { convertFile } from "../handlers/drop-to-raw/convert.js";
import { DEFAULT_MEMORY_LIMIT_MB, loadDuckDb } from "../handlers/drop-to-raw/duckdb.js";
import { definePipeline } from "../src/core/pipeline.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_FILE = join(HERE, "out", "converter.json");

/** The benchmark's dataset: the orders pipeline's shape, all eight columns typed. */
export const BENCH_PIPELINE = definePipeline({
  name: "bench_orders",
  description: "Synthetic orders for the converter benchmark",
  source: { kind: "push" },
  format: { type: "csv" },
  schema: [
    { name: "order_id", type: "bigint", nullable: false },
    { name: "customer_id", type: "int", nullable: false },
    { name: "country", type: "string", nullable: false },
    { name: "sku", type: "string", nullable: false },
    { name: "quantity", type: "int" },
    { name: "unit_price", type: "double" },
    { name: "discount", type: "double" },
    { name: "ordered_at", type: "timestamp", nullable: false },
  ],
  partitionKeys: ["country"],
  transform: { sql: "SELECT * FROM {{raw}}" },
});

/** The same dataset as NDJSON objects. */
export const BENCH_NDJSON_PIPELINE = definePipeline({ ...BENCH_PIPELINE, format: { type: "ndjson" } });

const COUNTRIES = ["DE", "FR", "NL", "BE", "AT", "PL"];

/** The input formats measured: the CSV at every size, gzip and NDJSON of the same rows at `--format-rows`. */
type Format = "csv" | "csv.gz" | "ndjson";

/**
 * Deterministic pseudo-random rows (a linear congruential generator), written in 1 MB chunks: the CSV, or the same
 * rows as NDJSON (numbers as JSON numbers).
 */
async function generate(path: string, rows: number, format: "csv" | "ndjson"): Promise<void> {
  const out = createWriteStream(path);
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const start = Date.UTC(2026, 10, 1);
  let chunk =
    format === "csv" ? "order_id,customer_id,country,sku,quantity,unit_price,discount,ordered_at\n" : "";
  for (let i = 0; i < rows; i++) {
    const r = next();
    const at = new Date(start + (r % (30 * 86_400)) * 1000).toISOString();
    const [orderId, customerId, country, sku, quantity, unitPrice, discount] = [
      1_000_000 + i,
      r % 100_000,
      COUNTRIES[r % COUNTRIES.length],
      `SKU-${(r >> 8) % 5000}`,
      (r % 9) + 1,
      ((r % 10_000) / 100).toFixed(2),
      ((r >> 4) % 100) / 100,
    ];
    chunk +=
      format === "csv"
        ? `${orderId},${customerId},${country},${sku},${quantity},${unitPrice},${discount},${at}\n`
        : `{"order_id":${orderId},"customer_id":${customerId},"country":"${country}","sku":"${sku}","quantity":${quantity},"unit_price":${unitPrice},"discount":${discount},"ordered_at":"${at}"}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once("finish", () => r()));
}

async function gzipFile(path: string, target: string): Promise<void> {
  await pipeline(createReadStream(path), createGzip(), createWriteStream(target));
}

/** DuckDB's own reader of each format, as a user would call it (types detected). */
const BASELINE_READER: Readonly<Record<Format, (file: string) => string>> = {
  csv: (file) => `read_csv('${file}')`,
  "csv.gz": (file) => `read_csv('${file}')`,
  ndjson: (file) => `read_json('${file}', format = 'newline_delimited')`,
};

interface ChildReport {
  readonly millis: number;
  /** User + system CPU time of the whole process (every DuckDB thread too). */
  readonly cpuMillis: number;
  /** The 1-minute load average when it finished. */
  readonly loadAfter: number;
  /** Converter only: the numbering pre-pass and the DuckDB part. */
  readonly phases?: { readonly prepare: number; readonly convert: number };
  /** Converter only: records read, written to Parquet, quarantined. */
  readonly accounted?: { readonly rowsIn: number; readonly rowsOut: number; readonly rowsRejected: number };
  readonly maxRssMb: number;
  readonly rows: number;
  readonly outputBytes: number;
}

/** Runs inside a child: one conversion, then prints a ChildReport as JSON on the last stdout line. */
async function child(
  kind: string,
  format: Format,
  file: string,
  work: string,
  threads: number,
  memoryMb: number,
): Promise<void> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let rows: number;
  let outputBytes = 0;
  let phases: ChildReport["phases"];
  let accounted: ChildReport["accounted"];
  if (kind === "converter") {
    const result = await convertFile(file, {
      pipeline: format === "ndjson" ? BENCH_NDJSON_PIPELINE : BENCH_PIPELINE,
      source: { bucket: "bench", key: `bench_orders/${file}` },
      name: "bench",
      workDir: work,
      threads,
      memoryLimitMb: memoryMb,
    });
    rows = result.rowsOut;
    phases = result.millis;
    accounted = { rowsIn: result.rowsIn, rowsOut: result.rowsOut, rowsRejected: result.rowsRejected };
    if (result.rowsIn !== result.rowsOut + result.rowsRejected) throw new Error("rows not accounted for");
    for (const p of result.parquet) outputBytes += statSync(p.path).size;
  } else {
    const duckdb = loadDuckDb();
    const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(threads) });
    const connection = await instance.connect();
    // "duckdb-partitioned": the same COPY written the way the converter writes it, one folder per partition key value
    const partitioned = kind === "duckdb-partitioned";
    const target = join(work, partitioned ? "parquet" : "f.parquet");
    const partitionBy = BENCH_PIPELINE.partitionKeys.join(", ");
    const result = await connection.runAndReadAll(
      `COPY (FROM ${BASELINE_READER[format](file)}) TO '${target}'${partitioned ? ` (FORMAT parquet, PARTITION_BY (${partitionBy}))` : ""}`,
    );
    rows = result.rowsChanged;
    outputBytes = partitioned
      ? readdirSync(target, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0)
      : statSync(target).size;
    connection.closeSync();
    instance.closeSync();
  }
  const cpu = process.cpuUsage(cpuStarted);
  const report: ChildReport = {
    loadAfter: loadavg()[0] ?? 0,
    millis: performance.now() - started,
    cpuMillis: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows,
    outputBytes,
    ...(phases ? { phases } : {}),
    ...(accounted ? { accounted } : {}),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function runChild(
  kind: string,
  format: Format,
  file: string,
  threads: number,
  memoryMb: number,
): Promise<ChildReport> {
  const work = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  try {
    const args = [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--child",
      kind,
      "--format",
      format,
      "--file",
      file,
      "--work",
      work,
      "--threads",
      String(threads),
      "--memory-mb",
      String(memoryMb),
    ];
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    proc.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const code = await new Promise<number | null>((r) => proc.once("close", r));
    if (code !== 0) throw new Error(`${kind} child exited with ${code}`);
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return JSON.parse(last) as ChildReport;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      file: { type: "string" },
      work: { type: "string" },
      rows: { type: "string", default: "1000000,4000000" },
      runs: { type: "string", default: "3" },
      "format-rows": { type: "string", default: "1000000" },
      format: { type: "string", default: "csv" },
      threads: { type: "string", default: String(availableParallelism()) },
      "memory-mb": { type: "string", default: String(DEFAULT_MEMORY_LIMIT_MB) },
    },
  });
  const threads = Number(values.threads);
  const memoryMb = Number(values["memory-mb"]);
  if (values.child) {
    await child(
      values.child,
      values.format as Format,
      values.file ?? "",
      values.work ?? "",
      threads,
      memoryMb,
    );
    return;
  }
  const sizes = (values.rows ?? "").split(",").map(Number);
  const runs = Number(values.runs);
  const formatRows = Number(values["format-rows"]);
  const dir = mkdtempSync(join(tmpdir(), "bench-converter-"));

  /** `runs` alternating runs of DuckDB's reader and the converter on `file`, and their medians. */
  const measure = async (format: Format, file: string, rows: number) => {
    const converter: ChildReport[] = [];
    const baseline: ChildReport[] = [];
    /** CSV only: DuckDB's COPY partitioned like the converter's output, for context (the target is the plain COPY). */
    const partitioned: ChildReport[] = [];
    const loadBefore = loadavg();
    const loadBeforeRun: number[] = [];
    for (let i = 0; i < runs; i++) {
      loadBeforeRun.push(loadavg()[0] ?? 0);
      baseline.push(await runChild("duckdb", format, file, threads, memoryMb));
      converter.push(await runChild("converter", format, file, threads, memoryMb));
      if (format === "csv")
        partitioned.push(await runChild("duckdb-partitioned", format, file, threads, memoryMb));
      const c = converter.at(-1) as ChildReport;
      const b = baseline.at(-1) as ChildReport;
      const p = partitioned[i];
      process.stderr.write(
        `  ${format} ${rows} rows, run ${i + 1}/${runs}: converter ${c.millis.toFixed(0)} ms (cpu ${c.cpuMillis.toFixed(0)}; pre-pass ${c.phases?.prepare.toFixed(0)}, then ${c.phases?.convert.toFixed(0)}) ${c.maxRssMb.toFixed(0)} MB, duckdb ${b.millis.toFixed(0)} ms (cpu ${b.cpuMillis.toFixed(0)}) ${b.maxRssMb.toFixed(0)} MB, ratio ${(b.millis / c.millis).toFixed(2)} (cpu ${(b.cpuMillis / c.cpuMillis).toFixed(2)})${p ? `, duckdb partitioned ${p.millis.toFixed(0)} ms (ratio ${(p.millis / c.millis).toFixed(2)})` : ""}, load ${loadavg()[0]?.toFixed(2)}\n`,
      );
    }
    const loadAfter = loadavg();
    if (converter.some((c) => c.rows !== rows)) throw new Error(`converter wrote a wrong number of rows`);
    if (partitioned.some((p) => p.rows !== rows))
      throw new Error(`partitioned COPY wrote a wrong number of rows`);
    const cMillis = median(converter.map((c) => c.millis));
    const bMillis = median(baseline.map((b) => b.millis));
    const side = (reports: readonly ChildReport[]) => {
      const millis = median(reports.map((r) => r.millis));
      return {
        millis,
        cpuMillis: median(reports.map((r) => r.cpuMillis)),
        rowsPerSecond: rows / (millis / 1000),
        peakRssMb: median(reports.map((r) => r.maxRssMb)),
        parquetMb: (reports[0]?.outputBytes ?? 0) / 2 ** 20,
      };
    };
    return {
      rows,
      runs,
      converter: side(converter),
      duckdbCopy: side(baseline),
      ...(partitioned.length > 0 ? { duckdbPartitioned: side(partitioned) } : {}),
      throughputRatio: bMillis / cMillis,
      /** The median of each run's ratio of CPU times (DuckDB / converter): less sensitive to the machine's load. */
      cpuRatio: median(converter.map((c, i) => (baseline[i]?.cpuMillis ?? 0) / c.cpuMillis)),
      /** 1, 5 and 15-minute load averages before the first and after the last run of this size. */
      loadAverage: { before: loadBefore, after: loadAfter },
      perRun: converter.map((c, i) => ({
        converterMillis: c.millis,
        converterCpuMillis: c.cpuMillis,
        converterPhases: c.phases,
        converterPeakRssMb: c.maxRssMb,
        duckdbMillis: baseline[i]?.millis,
        duckdbCpuMillis: baseline[i]?.cpuMillis,
        duckdbPeakRssMb: baseline[i]?.maxRssMb,
        ratio: (baseline[i]?.millis ?? 0) / c.millis,
        ...(partitioned[i] ? { duckdbPartitionedMillis: partitioned[i]?.millis } : {}),
        ...c.accounted,
        duckdbRows: baseline[i]?.rows,
        loadBefore: loadBeforeRun[i],
        loadAfter: c.loadAfter,
      })),
    };
  };

  const results = [];
  const formats = [];
  try {
    for (const rows of sizes) {
      const file = join(dir, `orders-${rows}.csv`);
      await generate(file, rows, "csv");
      const csvMb = statSync(file).size / 2 ** 20;
      results.push({ csvMb, ...(await measure("csv", file, rows)) });
      rmSync(file, { force: true });
    }
    if (formatRows > 0) {
      const csv = join(dir, `orders-${formatRows}.csv`);
      await generate(csv, formatRows, "csv");
      const gz = `${csv}.gz`;
      await gzipFile(csv, gz);
      const csvMb = statSync(csv).size / 2 ** 20;
      rmSync(csv, { force: true });
      formats.push({
        format: "csv.gz",
        csvMb,
        inputMb: statSync(gz).size / 2 ** 20,
        ...(await measure("csv.gz", gz, formatRows)),
      });
      rmSync(gz, { force: true });
      const ndjson = join(dir, `orders-${formatRows}.ndjson`);
      await generate(ndjson, formatRows, "ndjson");
      formats.push({
        format: "ndjson",
        csvMb,
        inputMb: statSync(ndjson).size / 2 ** 20,
        ...(await measure("ndjson", ndjson, formatRows)),
      });
      rmSync(ndjson, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? "unknown"} x${availableParallelism()}`,
    threads,
    memoryLimitMb: memoryMb,
    command: `node --import tsx bench/converter.ts ${process.argv.slice(2).join(" ")}`.trim(),
    git: gitHead(),
    results,
    formats,
  };
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  const pad = (s: string, n: number) => s.padStart(n);
  console.log(
    `${pad("rows", 9)} ${pad("csv MB", 7)} | ${pad("conv rows/s", 11)} ${pad("conv RSS", 8)} | ${pad("duckdb rows/s", 13)} ${pad("duckdb RSS", 10)} | ${pad("ratio", 5)}`,
  );
  for (const r of [...results, ...formats.map((f) => ({ ...f, rows: `${f.rows} ${f.format}` }))])
    console.log(
      `${pad(String(r.rows), 9)} ${pad(r.csvMb.toFixed(0), 7)} | ${pad(Math.round(r.converter.rowsPerSecond).toLocaleString("en"), 11)} ${pad(`${r.converter.peakRssMb.toFixed(0)} MB`, 8)} | ${pad(Math.round(r.duckdbCopy.rowsPerSecond).toLocaleString("en"), 13)} ${pad(`${r.duckdbCopy.peakRssMb.toFixed(0)} MB`, 10)} | ${pad(r.throughputRatio.toFixed(2), 5)}`,
    );
  console.log(`written: ${resolve(OUT_FILE)}`);
}

function gitHead(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: HERE, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

await main();
