import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import { openEngine } from "./duckdb.js";
import { matchHeader, withJsonKeys } from "./fields.js";
import { parquetFileName } from "./paths.js";
import {
  DEFAULT_MAX_RECORD_BYTES,
  type Layout,
  type PreparedInput,
  PreparedRecords,
  prepareInput,
  UnreadableFileError,
} from "./prepare.js";
import {
  badRowsSql,
  copyGoodRowsSql,
  copyRejectsSql,
  type ParquetTarget,
  type StagingSource,
  structuralRejectsSql,
} from "./sql.js";

/**
 * Converts one dropped file to Parquet on local disk, with DuckDB: the pure, S3-free heart of drop-to-raw (the
 * benchmark runs exactly this). Every record of the input ends up either in a Parquet file or in the quarantine
 * file, and that is checked; a file that cannot be read as declared throws {@link UnreadableFileError}.
 */

export interface ConvertOptions {
  readonly pipeline: PipelineDeclaration;
  /** Where the file came from: written into each quarantine line and the `_source_key` column. */
  readonly source: { readonly bucket: string; readonly key: string };
  /** Deterministic stem of the output files (see paths.ts). */
  readonly name: string;
  /** An empty, writable directory for the prepared input, DuckDB's spill files and the outputs. */
  readonly workDir: string;
  /** DuckDB memory limit in MB. @default 192 */
  readonly memoryLimitMb?: number;
  /** DuckDB threads. @default the CPUs available */
  readonly threads?: number;
  /** Parquet compression: snappy writes faster and every Parquet reader has it; zstd is ~30% smaller. @default "snappy" */
  readonly compression?: "zstd" | "snappy";
  /** A longer record makes the file unreadable. @default 2 MiB */
  readonly maxRecordBytes?: number;
  /** See PrepareOptions.maxDecodedBytes. @default 1 GiB */
  readonly maxDecodedBytes?: number;
}

export interface ParquetFile {
  /** The local file. */
  readonly path: string;
  /** Its path under the pipeline's ingest_date partition, `/`-separated: `country=DE/<name>_0.parquet`. */
  readonly relativeKey: string;
}

export interface Conversion {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rowsRejected: number;
  readonly bytesIn: number;
  readonly bytesDecoded: number;
  readonly gzip: boolean;
  readonly parquet: readonly ParquetFile[];
  /** The local quarantine NDJSON, when any row was quarantined. */
  readonly quarantine: string | undefined;
  /** CSV header fields that are not declared columns (not written anywhere). */
  readonly ignoredColumns: readonly string[];
  /**
   * Milliseconds until the pre-pass ended (download, decompress, number) and from then to the end (DuckDB's COPY,
   * rejects, quarantine).
   */
  readonly millis: { readonly prepare: number; readonly convert: number };
}

/** One line of the quarantine NDJSON. */
export interface QuarantineLine {
  readonly source_bucket: string;
  readonly source_key: string;
  /** 1-based line of the record (CSV: where it starts; JSON array: the element's index). */
  readonly line: number;
  /** The first declared column at fault, or null when the row itself is broken. */
  readonly column: string | null;
  /** Starts with the column's name (`quantity: "two" is not an int`), or `row:` for a broken row. */
  readonly reason: string;
  /** The record exactly as it was in the file. */
  readonly row: string;
}

/** Converts the file at `path` (plain or gzip). */
export async function convertFile(path: string, options: ConvertOptions): Promise<Conversion> {
  return convertStream(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

/** Converts a stream of the file's bytes (an S3 GetObject body, for instance), never holding it in memory. */
export async function convertStream(
  source: AsyncIterable<Uint8Array>,
  options: ConvertOptions,
): Promise<Conversion> {
  const { pipeline, workDir } = options;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const started = performance.now();
  const spill = join(workDir, "spill");
  const outDir = join(workDir, "parquet");
  await mkdir(spill, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const partitioned = pipeline.partitionKeys.length > 0;
  const target: ParquetTarget = {
    path: partitioned ? outDir : join(outDir, parquetFileName(options.name)),
    partitionKeys: pipeline.partitionKeys,
    fileStem: options.name,
    compression: options.compression ?? "snappy",
    sourceKey: options.source.key,
  };
  const stagingOf = (
    path: string,
    layout: { layout: Layout; separator: string; header: readonly string[] | undefined },
  ): { staging: StagingSource; ignoredColumns: string[] } => {
    const { csv, ignoredColumns } = matchHeader(pipeline, layout);
    const staging: StagingSource = {
      path,
      layout: layout.layout,
      separator: layout.separator,
      schema: pipeline.schema,
      maxLineBytes: maxRecordBytes + 64,
      ...(csv ? { csv } : {}),
    };
    return { staging, ignoredColumns };
  };
  const open = () =>
    openEngine({
      tempDirectory: spill,
      ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    });

  // DuckDB reads the numbered file once it is complete, on all its threads. Overlapping the two was measured slower
  // on 2 cores, both through a named pipe (DuckDB reads a pipe on one thread) and in parts converted while the next
  // was numbered (the overlap saved less than the contention for the cores cost): docs/BENCHMARKS.md. Numbering on a
  // worker thread while this one scans was no faster either (4M rows, bundled: about 40% more CPU for the hand-off,
  // the worker's start and its reads of chunks staged on the other core; same wall time or worse). What does
  // overlap is DuckDB's start: its instance opens on its own thread while the pre-pass runs (a file the pre-pass
  // rejects closes it). Loading the library stays on this thread, before the pre-pass.
  const opening = open();
  opening.catch(() => undefined); // awaited below; this only marks it handled while the pre-pass runs
  let prepared: PreparedInput;
  try {
    prepared = await prepareInput(source, {
      format: pipeline.format,
      key: options.source.key,
      outPath: join(workDir, "input.prepared"),
      maxRecordBytes,
      maxDecodedBytes: options.maxDecodedBytes,
    });
  } catch (error) {
    await opening.then(
      (engine) => engine.close(),
      () => undefined,
    );
    throw error;
  }
  const preparedAt = performance.now();
  const file = stagingOf(prepared.path, prepared);
  const { ignoredColumns } = file;
  let staging = file.staging;
  let rowsOut: number;
  let parquet: ParquetFile[];
  const rejectsPath = join(workDir, "rejects.ndjson");
  let rejectsWritten: number;
  const engine = await opening;
  try {
    const db = engine.connection;
    staging = await withJsonKeys(db, staging, pipeline);
    const copied = await db.runAndReadAll(copyGoodRowsSql(staging, "rejects", target));
    rowsOut = Number(copied.getRowObjectsJson()[0]?.["Count"] ?? 0);
    parquet = rowsOut === 0 ? [] : await listParquet(outDir);
    const structural = await db.runAndReadAll(
      `SELECT count(*) AS n FROM (${structuralRejectsSql(staging, "rejects")})`,
    );
    const structuralRows = Number(structural.getRowObjectsJson()[0]?.["n"] ?? 0);
    // A second scan (of the file) for bad values only when the counts say there are some.
    const parts = [structuralRejectsSql(staging, "rejects")];
    if (rowsOut + structuralRows !== prepared.rows) parts.push(badRowsSql(staging));
    if (rowsOut + structuralRows === prepared.rows && structuralRows === 0) rejectsWritten = 0;
    else {
      const written = await db.runAndReadAll(copyRejectsSql(parts, rejectsPath));
      rejectsWritten = Number(written.getRowObjectsJson()[0]?.["Count"] ?? written.rowsChanged);
    }
  } finally {
    engine.close();
  }
  let quarantine: string | undefined;
  let rowsRejected = 0;
  if (rejectsWritten > 0) {
    quarantine = join(workDir, "quarantine.ndjson");
    rowsRejected = await writeQuarantine(rejectsPath, prepared, options.source, quarantine);
  }
  if (prepared.rows !== rowsOut + rowsRejected || rowsRejected !== rejectsWritten)
    throw new UnreadableFileError(
      `rows could not be accounted for: ${prepared.rows} read, ${rowsOut} converted + ${rowsRejected} quarantined; ` +
        "the file's quoting is ambiguous",
    );
  await rm(spill, { recursive: true, force: true });
  return {
    rowsIn: prepared.rows,
    rowsOut,
    rowsRejected,
    bytesIn: prepared.bytesIn,
    bytesDecoded: prepared.bytesDecoded,
    gzip: prepared.gzip,
    parquet,
    quarantine,
    ignoredColumns,
    millis: { prepare: preparedAt - started, convert: performance.now() - preparedAt },
  };
}

async function listParquet(dir: string): Promise<ParquetFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".parquet"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return files.map((path) => ({ path, relativeKey: relative(dir, path).split(sep).join("/") }));
}

/**
 * Turns DuckDB's `{line, column, reason}` lines into quarantine lines, reading each row's exact text back from the
 * prepared file (the rejects are sorted by line, so the walk through it only moves forward).
 */
async function writeQuarantine(
  rejectsPath: string,
  prepared: PreparedInput,
  source: { readonly bucket: string; readonly key: string },
  outPath: string,
): Promise<number> {
  const records = await PreparedRecords.open(prepared.path, prepared.layout, prepared.separator);
  const output = await open(outPath, "w");
  let written = 0;
  let buffer = "";
  try {
    const lines = createInterface({
      input: createReadStream(rejectsPath),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const text of lines) {
      if (text === "") continue;
      const reject = JSON.parse(text) as { line: number | null; column: string | null; reason: string };
      if (reject.line === null)
        throw new UnreadableFileError(`a rejected record has no line number (${reject.reason})`);
      const row = await records.text(reject.line);
      if (row === undefined)
        throw new UnreadableFileError(`no record starts on rejected line ${reject.line} (${reject.reason})`);
      const line: QuarantineLine = {
        source_bucket: source.bucket,
        source_key: source.key,
        line: reject.line,
        column: reject.column,
        reason: reject.reason,
        row,
      };
      buffer += `${JSON.stringify(line)}\n`;
      written++;
      if (buffer.length > 1 << 20) {
        await output.write(buffer);
        buffer = "";
      }
    }
    if (buffer.length > 0) await output.write(buffer);
  } finally {
    await records.close();
    await output.close();
  }
  return written;
}

/** Total size of the local files, for logs. */
export async function sizeOf(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await stat(path)).size;
  return total;
}
