import type { DropToRawConfig } from "./drop-to-raw.js";

/** Share of the function's memory DuckDB may use; the rest is Node, the DuckDB library and upload buffers. */
export const DUCKDB_MEMORY_SHARE = 0.5;

/**
 * The core's configuration from the function's environment: RAW_BUCKET, QUARANTINE_BUCKET and LEDGER_TABLE (required);
 * DUCKDB_MEMORY_MB (default half of AWS_LAMBDA_FUNCTION_MEMORY_SIZE, else 256), PARQUET_COMPRESSION (snappy|zstd,
 * default snappy), RESOLVE_EVENT_VERSIONS (true|false, default false: the local stack sets it, see DropToRawConfig),
 * ANALYTICS_RUNS_TABLE (optional: the run ledger whose curated dates a raw change reopens) and TMPDIR-independent /tmp. Every problem is reported at once, naming the variable.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DropToRawConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "") problems.push(`${name} is not set`);
    return value ?? "";
  };
  const rawBucket = required("RAW_BUCKET");
  const quarantineBucket = required("QUARANTINE_BUCKET");
  const ledgerTable = required("LEDGER_TABLE");
  const functionMb = Number(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] ?? Number.NaN);
  const memory =
    env["DUCKDB_MEMORY_MB"] ??
    (Number.isFinite(functionMb) ? String(Math.floor(functionMb * DUCKDB_MEMORY_SHARE)) : "256");
  const memoryLimitMb = Number(memory);
  if (!Number.isInteger(memoryLimitMb) || memoryLimitMb < 64)
    problems.push(`DUCKDB_MEMORY_MB "${memory}" must be a whole number >= 64`);
  const compression = env["PARQUET_COMPRESSION"] ?? "snappy";
  if (compression !== "snappy" && compression !== "zstd")
    problems.push(`PARQUET_COMPRESSION "${compression}" is not snappy or zstd`);
  const resolve = env["RESOLVE_EVENT_VERSIONS"] ?? "false";
  if (resolve !== "true" && resolve !== "false")
    problems.push(`RESOLVE_EVENT_VERSIONS "${resolve}" is not true or false`);
  const runsTable = env["ANALYTICS_RUNS_TABLE"];
  if (runsTable === "")
    problems.push("ANALYTICS_RUNS_TABLE is empty: set it to the run ledger's name, or unset it");
  if (problems.length > 0) throw new Error(`drop-to-raw configuration: ${problems.join("; ")}`);
  return {
    rawBucket,
    quarantineBucket,
    ledgerTable,
    memoryLimitMb,
    compression: compression as "snappy" | "zstd",
    resolveEventVersions: resolve === "true",
    ...(runsTable !== undefined ? { runsTable } : {}),
  };
}
