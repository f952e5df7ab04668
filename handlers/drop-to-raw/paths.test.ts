import { describe, expect, it } from "vitest";
import {
  extensionOf,
  ingestDate,
  ingestDateInKey,
  isParquetOf,
  ledgerKey,
  outputName,
  parquetFileName,
  parquetFilePattern,
  pipelineOf,
  quarantineFileKey,
  quarantineRowsKey,
  rawKey,
} from "./paths.js";

describe("pipelineOf", () => {
  it.each([
    ["orders/ingest_date=2026-11-21/run.csv", "orders"],
    ["clickstream/x.ndjson", "clickstream"],
    ["loose.csv", undefined],
    ["/leading-slash.csv", undefined],
  ])("%s -> %s", (key, pipeline) => {
    // act / assess
    expect(pipelineOf(key)).toBe(pipeline);
  });
});

describe("ingest date", () => {
  it("comes from an ingest_date= segment of the key", () => {
    // act / assess
    expect(ingestDate("orders/ingest_date=2026-11-21/run.csv", new Date("2027-01-01T00:00:00Z"))).toBe(
      "2026-11-21",
    );
  });

  it("falls back to the given time's UTC day", () => {
    // act / assess
    expect(ingestDate("orders/run.csv", new Date("2026-11-21T23:59:59.999Z"))).toBe("2026-11-21");
    expect(ingestDate("orders/run.csv", new Date("2026-11-22T00:30:00+02:00"))).toBe("2026-11-21");
  });

  it.each([
    ["orders/ingest_date=2026-02-30/run.csv"],
    ["orders/ingest_date=2026-11-21x/run.csv"],
    ["orders/my_ingest_date=2026-11-21/run.csv"],
  ])("ignores an invalid or partial segment: %s", (key) => {
    // act / assess
    expect(ingestDateInKey(key)).toBeUndefined();
  });
});

describe("identity and names", () => {
  const versioned = {
    bucket: "drop",
    key: "orders/ingest_date=2026-11-21/run 1.csv.gz",
    versionId: "v1",
    eTag: "e1",
  };
  const unversioned = { bucket: "drop", key: "orders/run.csv", eTag: "abc" };

  it("keys the ledger by version id, else by ETag", () => {
    // act / assess
    expect(ledgerKey(versioned)).toBe("s3://drop/orders/ingest_date=2026-11-21/run 1.csv.gz#v=v1");
    expect(ledgerKey(unversioned)).toBe("s3://drop/orders/run.csv#etag=abc");
    expect(ledgerKey({ ...unversioned, versionId: "null" })).toBe("s3://drop/orders/run.csv#etag=abc");
    expect(() => ledgerKey({ bucket: "drop", key: "k" })).toThrow("has neither a version id nor an ETag");
  });

  it("derives a stable output name from the identity", () => {
    // act
    const name = outputName(versioned);

    // assess
    expect(name).toMatch(/^run_1-[0-9a-f]{16}$/);
    expect(outputName({ ...versioned })).toBe(name);
    expect(outputName({ ...versioned, versionId: "v2" })).not.toBe(name);
    expect(outputName({ ...versioned, bucket: "other" })).not.toBe(name);
    expect(outputName({ bucket: "b", key: "orders/.hidden", eTag: "e" })).toMatch(/^[0-9a-f]{16}$/);
  });

  it("lays out raw and quarantine keys under <pipeline>/ingest_date=<date>/", () => {
    // act / assess
    expect(rawKey("orders", "2026-11-21", "country=DE/run-0123_0.parquet")).toBe(
      "orders/ingest_date=2026-11-21/country=DE/run-0123_0.parquet",
    );
    expect(quarantineRowsKey("orders", "2026-11-21", "run-0123")).toBe(
      "orders/ingest_date=2026-11-21/run-0123.ndjson",
    );
    expect(quarantineFileKey("_unknown", "2026-11-21", "run-0123", "x/run.csv.gz")).toBe(
      "_unknown/ingest_date=2026-11-21/run-0123.csv.gz",
    );
    expect(extensionOf("a/b/no-extension")).toBe("");
    expect(extensionOf("a/b/c.j son")).toBe(".j_son");
  });
});

describe("the Parquet naming rule the writer and supersede share", () => {
  const name = "run-0123456789abcdef";

  it("names every shape's files <name>_<i>.parquet: DuckDB's pattern for partitions, _0 for one file", () => {
    // act / assess
    expect(parquetFilePattern(name)).toBe("run-0123456789abcdef_{i}");
    expect(parquetFileName(name)).toBe("run-0123456789abcdef_0.parquet");
  });

  it.each([
    ["run-0123456789abcdef_0.parquet", true],
    ["run-0123456789abcdef_17.parquet", true],
    // unpartitioned files written before the shared rule
    ["run-0123456789abcdef.parquet", true],
    ["run-0123456789abcdef_0.parquet.tmp", false],
    ["run-0123456789abcdef_x.parquet", false],
    ["run-0123456789abcdef0.parquet", false],
    ["run-0123456789abcdef-2_0.parquet", false],
    ["run-0123456789abcdef.ndjson", false],
    ["other-0123456789abcdef_0.parquet", false],
  ])("%s is one of its files: %s", (file, ours) => {
    // act / assess
    expect(isParquetOf(name, file)).toBe(ours);
  });

  it("recognises every name it gives", () => {
    // act / assess
    expect(isParquetOf(name, parquetFileName(name))).toBe(true);
    expect(isParquetOf(name, `${parquetFilePattern(name).replace("{i}", "3")}.parquet`)).toBe(true);
  });
});
