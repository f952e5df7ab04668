import { describe, expect, it } from "vitest";
import { configFromEnv } from "./config.js";

const base = { RAW_BUCKET: "raw", QUARANTINE_BUCKET: "quarantine", LEDGER_TABLE: "ledger" };

describe("configFromEnv", () => {
  it("gives DuckDB half the function's memory and writes snappy by default", () => {
    // act / assess
    expect(configFromEnv({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "2048" })).toEqual({
      rawBucket: "raw",
      quarantineBucket: "quarantine",
      ledgerTable: "ledger",
      memoryLimitMb: 1024,
      compression: "snappy",
      resolveEventVersions: false,
    });
    expect(configFromEnv(base).memoryLimitMb).toBe(256);
    expect(configFromEnv({ ...base, RESOLVE_EVENT_VERSIONS: "true" }).resolveEventVersions).toBe(true);
    expect(configFromEnv({ ...base, ANALYTICS_RUNS_TABLE: "runs" }).runsTable).toBe("runs");
  });

  it("takes explicit DuckDB memory and compression", () => {
    // act / assess
    expect(configFromEnv({ ...base, DUCKDB_MEMORY_MB: "300", PARQUET_COMPRESSION: "zstd" })).toMatchObject({
      memoryLimitMb: 300,
      compression: "zstd",
    });
  });

  it("reports every bad variable at once", () => {
    // act / assess
    expect(() =>
      configFromEnv({
        RAW_BUCKET: "raw",
        DUCKDB_MEMORY_MB: "12",
        PARQUET_COMPRESSION: "gzip",
        RESOLVE_EVENT_VERSIONS: "yes",
        ANALYTICS_RUNS_TABLE: "",
      }),
    ).toThrow(
      "drop-to-raw configuration: QUARANTINE_BUCKET is not set; LEDGER_TABLE is not set; " +
        'DUCKDB_MEMORY_MB "12" must be a whole number >= 64; PARQUET_COMPRESSION "gzip" is not snappy or zstd; ' +
        'RESOLVE_EVENT_VERSIONS "yes" is not true or false; ' +
        "ANALYTICS_RUNS_TABLE is empty: set it to the run ledger's name, or unset it",
    );
  });
});
