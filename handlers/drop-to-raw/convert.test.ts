import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { definePipeline, type PipelineDeclaration } from "../../src/core/pipeline.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { readParquet } from "../../src/testing/parquet.js";
import { type Conversion, type ConvertOptions, convertFile, type QuarantineLine } from "./convert.js";
import { matchHeader } from "./fields.js";
import { UnreadableFileError } from "./prepare.js";

const SAMPLES = new URL("../../src/pipelines/samples/", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("expected.json", SAMPLES), "utf8")) as Record<
  string,
  { file: string; rows: number; valid: number; quarantined: { line: number; column: string }[] }
>;

const dir = mkdtempSync(join(tmpdir(), "drop-to-raw-convert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Converts `path` in a fresh work dir with 1 thread and a small memory limit (the tests share 2 CPUs). */
async function convert(path: string, pipeline: PipelineDeclaration, options: Partial<ConvertOptions> = {}) {
  const workDir = join(dir, `work-${n++}`);
  mkdirSync(workDir);
  return convertFile(path, {
    pipeline,
    source: { bucket: "drop", key: `${pipeline.name}/ingest_date=2026-11-21/${path.split("/").pop()}` },
    name: "run-0123456789abcdef",
    workDir,
    threads: 1,
    memoryLimitMb: 128,
    ...options,
  });
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const quarantined = (result: Conversion): QuarantineLine[] =>
  readFileSync(result.quarantine as string, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as QuarantineLine);

async function allRows(result: Conversion): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const file of result.parquet) {
    const partition = Object.fromEntries(
      file.relativeKey
        .split("/")
        .slice(0, -1)
        .map((segment) => segment.split("=") as [string, string]),
    );
    for (const row of (await readParquet(file.path)).rows) rows.push({ ...row, ...partition });
  }
  return rows.sort((a, b) => Number(a["_source_line"]) - Number(b["_source_line"]));
}

describe("convertFile on the sample files", () => {
  it("orders.csv: typed Parquet per country, and the two bad lines quarantined", async () => {
    // prepare
    const sample = expected["orders"];

    // act
    const result = await convert(new URL(sample?.file ?? "", SAMPLES).pathname, orders);

    // assess: every row accounted for
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([sample?.rows, sample?.valid, 2]);
    expect(result.parquet.map((f) => f.relativeKey)).toEqual([
      "country=DE/run-0123456789abcdef_0.parquet",
      "country=FR/run-0123456789abcdef_0.parquet",
      "country=NL/run-0123456789abcdef_0.parquet",
    ]);
    // the quarantine: lines and columns as samples/expected.json says, with the row as it was
    const lines = quarantined(result);
    expect(lines.map((l) => ({ line: l.line, column: l.column }))).toEqual(sample?.quarantined);
    expect(lines).toEqual([
      {
        source_bucket: "drop",
        source_key: "orders/ingest_date=2026-11-21/orders.csv",
        line: 12,
        column: "quantity",
        reason: 'quantity: "two" is not an int',
        row: "1011,510,NL,SKU-RED-1,two,19.99,2026-11-21T17:00:00Z,false",
      },
      {
        source_bucket: "drop",
        source_key: "orders/ingest_date=2026-11-21/orders.csv",
        line: 13,
        column: "order_id",
        reason: "order_id: missing value (the column is not nullable)",
        row: ",511,DE,SKU-BLU-2,1,5.50,2026-11-21T18:00:00Z,false",
      },
    ]);
    // the Parquet: declared types, partition column in the path only
    const de = await readParquet(result.parquet[0]?.path as string);
    expect(de.codecs).toEqual(["SNAPPY"]);
    expect(de.types).toEqual({
      order_id: "INT64/INT_64",
      customer_id: "INT64/INT_64",
      sku: "BYTE_ARRAY/UTF8",
      quantity: "INT32/INT_32",
      unit_price: "DOUBLE/-",
      ordered_at: "INT64/TIMESTAMP(utc=true)",
      is_gift: "BOOLEAN/-",
      _source_key: "BYTE_ARRAY/UTF8",
      _source_line: "INT64/INT_64",
    });
    const rows = await allRows(result);
    expect(rows.map((r) => [r["order_id"], r["country"], r["_source_line"]])).toEqual([
      [1001n, "DE", 2n],
      [1002n, "DE", 3n],
      [1003n, "FR", 4n],
      [1004n, "FR", 5n],
      [1005n, "DE", 6n],
      [1006n, "NL", 7n],
      [1007n, "NL", 8n],
      [1008n, "DE", 9n],
      [1009n, "FR", 10n],
      [1010n, "DE", 11n],
    ]);
    expect(rows[3]).toEqual({
      order_id: 1004n,
      customer_id: 504n,
      country: "FR",
      sku: "SKU-GRN-3",
      quantity: 3 - 2,
      unit_price: 42,
      ordered_at: new Date("2026-11-20T11:45:30Z"),
      is_gift: null,
      _source_key: "orders/ingest_date=2026-11-21/orders.csv",
      _source_line: 5n,
    });
    expect(rows[7]?.["unit_price"]).toBe(5.25);
    expect(rows[1]?.["is_gift"]).toBe(true);
  });

  it("clickstream.ndjson: typed Parquet per event type, and the two bad lines quarantined", async () => {
    // prepare
    const sample = expected["clickstream"];

    // act
    const result = await convert(new URL(sample?.file ?? "", SAMPLES).pathname, clickstream);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([sample?.rows, sample?.valid, 2]);
    expect(result.parquet.map((f) => f.relativeKey)).toEqual([
      "event_type=click/run-0123456789abcdef_0.parquet",
      "event_type=page_view/run-0123456789abcdef_0.parquet",
    ]);
    const lines = quarantined(result);
    expect(lines.map((l) => ({ line: l.line, column: l.column }))).toEqual(sample?.quarantined);
    expect(lines.map((l) => l.reason)).toEqual([
      'occurred_at: "not-a-time" is not a timestamp',
      'duration_ms: "fast" is not an int',
    ]);
    const source = readFileSync(new URL(sample?.file ?? "", SAMPLES), "utf8").split("\n");
    expect(lines.map((l) => l.row)).toEqual([source[8], source[9]]);
    const rows = await allRows(result);
    expect(rows.map((r) => r["event_id"])).toEqual([
      "e-0001",
      "e-0002",
      "e-0003",
      "e-0004",
      "e-0005",
      "e-0006",
      "e-0007",
      "e-0008",
    ]);
    expect(rows[4]).toEqual({
      event_id: "e-0005",
      session_id: "s-03",
      event_type: "click",
      page: "/checkout",
      duration_ms: null,
      occurred_at: new Date("2026-11-21T10:00:00Z"),
      _source_key: "clickstream/ingest_date=2026-11-21/clickstream.ndjson",
      _source_line: 5n,
    });
    expect((await readParquet(result.parquet[0]?.path as string)).types).toEqual({
      event_id: "BYTE_ARRAY/UTF8",
      session_id: "BYTE_ARRAY/UTF8",
      page: "BYTE_ARRAY/UTF8",
      duration_ms: "INT32/INT_32",
      occurred_at: "INT64/TIMESTAMP(utc=true)",
      _source_key: "BYTE_ARRAY/UTF8",
      _source_line: "INT64/INT_64",
    });
  });
});

/** Every type once, nothing partitioned. */
const ALL_TYPES = definePipeline({
  name: "all_types",
  description: "one column of each type",
  source: { kind: "push" },
  format: { type: "csv" },
  schema: [
    { name: "id", type: "int", nullable: false },
    { name: "big", type: "bigint" },
    { name: "ratio", type: "double" },
    { name: "flag", type: "boolean" },
    { name: "day", type: "date" },
    { name: "at", type: "timestamp" },
    { name: "label", type: "string", nullable: false },
  ],
  partitionKeys: [],
  transform: { sql: "SELECT * FROM {{raw}}" },
});

/** ALL_TYPES whose nullable columns files may lack (mayBeAbsent), for files that carry a few columns only. */
const SPARSE = definePipeline({
  ...ALL_TYPES,
  schema: ALL_TYPES.schema.map((c) => (c.nullable === false ? c : { ...c, mayBeAbsent: true })),
});

describe("convertFile, coercion and quarantine", () => {
  it("quarantines each bad row once, with the first bad column, the reason and the exact row text", async () => {
    // prepare
    const csv = [
      "id,big,ratio,flag,day,at,label",
      "1,9007199254740993,0.5,true,2026-11-21,2026-11-21T10:00:00+02:00,ok",
      "2,,,,,,also ok",
      "3,1.5,x,maybe,2026-11-21,2026-11-21T10:00:00Z,bad big",
      "4,5,1e3,1,2026-11-21T10:00:00Z,2026-11-21,bad day",
      "5,5,1,0,2026-11-21,2026-11-21 10:00,",
      "6,too,few",
      "7,1,1,true,2026-11-21,2026-11-21,x,extra",
      '8,2,2,false,2026-11-21,2026-11-21,"quoted, with comma"',
      "1e1,1,1,true,2026-11-21,2026-11-21,exponent id",
      "",
    ].join("\n");
    const path = write("coercion.csv", csv);

    // act
    const result = await convert(path, ALL_TYPES);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([9, 4, 5]);
    expect(
      quarantined(result).map(({ line, column, reason, row }) => ({ line, column, reason, row })),
    ).toEqual([
      {
        line: 4,
        column: "big",
        reason: 'big: "1.5" is not a bigint',
        row: "3,1.5,x,maybe,2026-11-21,2026-11-21T10:00:00Z,bad big",
      },
      {
        line: 5,
        column: "day",
        reason: 'day: "2026-11-21T10:00:00Z" is not a date',
        row: "4,5,1e3,1,2026-11-21T10:00:00Z,2026-11-21,bad day",
      },
      {
        line: 6,
        column: "label",
        reason: "label: missing value (the column is not nullable)",
        row: "5,5,1,0,2026-11-21,2026-11-21 10:00,",
      },
      { line: 7, column: null, reason: "row: 3 fields, expected 7", row: "6,too,few" },
      {
        line: 8,
        column: null,
        reason: "row: 8 fields, expected 7",
        row: "7,1,1,true,2026-11-21,2026-11-21,x,extra",
      },
    ]);
    expect(result.parquet.map((f) => f.relativeKey)).toEqual(["run-0123456789abcdef_0.parquet"]);
    const { rows, types } = await readParquet(result.parquet[0]?.path as string);
    expect(types).toEqual({
      id: "INT32/INT_32",
      big: "INT64/INT_64",
      ratio: "DOUBLE/-",
      flag: "BOOLEAN/-",
      day: "INT32/DATE",
      at: "INT64/TIMESTAMP(utc=true)",
      label: "BYTE_ARRAY/UTF8",
      _source_key: "BYTE_ARRAY/UTF8",
      _source_line: "INT64/INT_64",
    });
    const byLine = rows.sort((a, b) => Number(a["_source_line"]) - Number(b["_source_line"]));
    expect(
      byLine.map((r) => [r["id"], r["big"], r["ratio"], r["flag"], r["day"], r["at"], r["label"]]),
    ).toEqual([
      [
        1,
        9007199254740993n,
        0.5,
        true,
        new Date("2026-11-21T00:00:00Z"),
        new Date("2026-11-21T08:00:00Z"),
        "ok",
      ],
      [2, null, null, null, null, null, "also ok"],
      [
        8,
        2n,
        2,
        false,
        new Date("2026-11-21T00:00:00Z"),
        new Date("2026-11-21T00:00:00Z"),
        "quoted, with comma",
      ],
      [10, 1n, 1, true, new Date("2026-11-21T00:00:00Z"), new Date("2026-11-21T00:00:00Z"), "exponent id"],
    ]);
  });

  it("maps header names case-insensitively in any order and ignores undeclared columns", async () => {
    // prepare
    const path = write("reordered.csv", "LABEL,extra,Id\nfirst,x,1\nsecond,y,2\n");

    // act
    const result = await convert(path, SPARSE);

    // assess
    expect(result.ignoredColumns).toEqual(["extra"]);
    expect((await allRows(result)).map((r) => [r["id"], r["label"], r["big"]])).toEqual([
      [1, "first", null],
      [2, "second", null],
    ]);
  });

  it("reads a JSON array, quarantining elements that are not valid JSON objects", async () => {
    // prepare
    const pipeline = definePipeline({ ...clickstream, format: { type: "json" }, partitionKeys: [] });
    const json = JSON.stringify([
      {
        event_id: "e1",
        session_id: "s",
        event_type: "click",
        page: "/",
        duration_ms: 5,
        occurred_at: "2026-11-21T10:00:00Z",
      },
      [1, 2],
    ]).replace(/]$/, ', {"event_id": "e3", oops}, "text"]');
    const path = write("events.json.gz", gzipSync(json));

    // act
    const result = await convert(path, pipeline, { compression: "zstd" });

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected, result.gzip]).toEqual([4, 1, 3, true]);
    expect(
      quarantined(result).map(({ line, column, reason, row }) => ({ line, column, reason, row })),
    ).toEqual([
      { line: 2, column: null, reason: "row: a JSON array, not an object", row: "[1,2]" },
      { line: 3, column: null, reason: "row: not valid JSON", row: '{"event_id": "e3", oops}' },
      { line: 4, column: null, reason: "row: a JSON varchar, not an object", row: '"text"' },
    ]);
    const parquet = await readParquet(result.parquet[0]?.path as string);
    expect(parquet.codecs).toEqual(["ZSTD"]);
    expect(parquet.rows).toEqual([
      {
        event_id: "e1",
        session_id: "s",
        event_type: "click",
        page: "/",
        duration_ms: 5,
        occurred_at: new Date("2026-11-21T10:00:00Z"),
        _source_key: "clickstream/ingest_date=2026-11-21/events.json.gz",
        _source_line: 1n,
      },
    ]);
  });

  it("reads an empty field, quoted or not, as a missing value", async () => {
    // prepare
    const path = write("empty-fields.csv", 'id,big,ratio,label\n1,"",,""\n2,,"",x\n');

    // act
    const result = await convert(path, SPARSE);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([2, 1, 1]);
    expect(quarantined(result).map(({ line, column, reason }) => ({ line, column, reason }))).toEqual([
      { line: 2, column: "label", reason: "label: missing value (the column is not nullable)" },
    ]);
    expect((await allRows(result)).map((r) => [r["id"], r["big"], r["ratio"], r["label"]])).toEqual([
      [2, null, null, "x"],
    ]);
  });

  it("writes nothing but counts for a file whose rows are all bad", async () => {
    // prepare
    const path = write("all-bad.csv", "id,label\nx,a\ny,b\n");

    // act
    const result = await convert(path, SPARSE);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([2, 0, 2]);
    expect(result.parquet).toEqual([]);
  });

  it("writes no files and no quarantine for a header-only file", async () => {
    // act
    const result = await convert(write("header-only.csv", "id,label\n"), SPARSE);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected, result.quarantine]).toEqual([
      0,
      0,
      0,
      undefined,
    ]);
    expect(result.parquet).toEqual([]);
  });

  it("rejects the whole file when the header lacks a declared column, naming the pipeline, the columns and the fix", async () => {
    // act
    const error = await convert(write("no-label.csv", "id,Big Number,ratio\n1,2,3\n"), SPARSE).catch(
      (e: unknown) => e,
    );
    const nullable = await convert(write("no-ratio.csv", "id,label\n1,x\n"), ALL_TYPES).catch(
      (e: unknown) => e,
    );

    // assess: a nullable column is no exception, unless it says files may lack it
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as UnreadableFileError).reason).toBe(
      'pipeline "all_types": header: no field for column "label" (fix: in src/pipelines/definitions/all_types.ts, ' +
        "declare each one's from: with the file's name for it, or mayBeAbsent: true if files may lack it). " +
        'The file\'s header: "id", "Big Number", "ratio"',
    );
    expect((nullable as UnreadableFileError).reason).toMatch(
      /^pipeline "all_types": header: no field for column "big", column "ratio", column "flag", column "day", column "at" \(/,
    );
  });
});

describe("convertFile, DuckDB reading while the file is still being read", () => {
  /** `rows` records of about 60 bytes, `line` being where each starts (header = line 1). */
  const bigCsv = (rows: number, special: ReadonlyMap<number, string>) => {
    const lines = ["id,big,ratio,flag,day,at,label"];
    for (let id = 1; id <= rows; id++)
      lines.push(special.get(id) ?? `${id},${id * 3},0.25,true,2026-11-21,2026-11-21T10:00:00Z,row ${id}`);
    return `${lines.join("\n")}\n`;
  };

  it("converts a file of many chunks: every row once, the bad ones quarantined exactly", async () => {
    // prepare: 60,000 records (about 4 MB, four 1 MiB chunks); a record spanning two lines moves every later line
    const special = new Map([
      [20_000, "20000,1.5,0.25,true,2026-11-21,2026-11-21T10:00:00Z,bad big"],
      [30_000, '30000,1,0.25,true,2026-11-21,2026-11-21T10:00:00Z,"two\nlines"'],
      [45_000, "45000,too,few"],
      [59_999, "59999,1,0.25,true,2026-11-21,2026-11-21T10:00:00Z,"],
    ]);
    const path = write("many-chunks.csv", bigCsv(60_000, special));

    // act
    const result = await convert(path, ALL_TYPES, { threads: 2 });

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([60_000, 59_997, 3]);
    expect(
      quarantined(result).map(({ line, column, reason, row }) => ({ line, column, reason, row })),
    ).toEqual([
      {
        line: 20_001,
        column: "big",
        reason: 'big: "1.5" is not a bigint',
        row: "20000,1.5,0.25,true,2026-11-21,2026-11-21T10:00:00Z,bad big",
      },
      { line: 45_002, column: null, reason: "row: 3 fields, expected 7", row: "45000,too,few" },
      {
        line: 60_001,
        column: "label",
        reason: "label: missing value (the column is not nullable)",
        row: "59999,1,0.25,true,2026-11-21,2026-11-21T10:00:00Z,",
      },
    ]);
    const rows = await allRows(result);
    expect(rows.length).toBe(59_997);
    expect(new Set(rows.map((r) => r["id"])).size).toBe(59_997);
    const byId = new Map(rows.map((r) => [r["id"], r]));
    expect([1, 29_999, 30_000, 30_001, 60_000].map((id) => byId.get(id)?.["_source_line"])).toEqual([
      2n,
      30_000n,
      30_001n,
      30_003n,
      60_002n,
    ]);
    expect(byId.get(30_000)?.["label"]).toBe("two\nlines");
  });

  it("rejects a file whose NUL byte comes after DuckDB started reading it, and stops DuckDB", async () => {
    // prepare: the NUL is in the fourth 1 MiB chunk
    const text = bigCsv(60_000, new Map());
    const at = text.length - 1000;
    const path = write("late-nul.csv", Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0])]));

    // act
    const error = await convert(path, ALL_TYPES, { threads: 2 }).catch((e: unknown) => e);

    // assess
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as UnreadableFileError).reason).toBe(
      `binary content: NUL byte at decoded offset ${at}; not a text csv file`,
    );
  });
});

describe("matchHeader", () => {
  it("collects every header problem at once", () => {
    // act / assess
    expect(() => matchHeader(ALL_TYPES, { layout: "csv", header: ["id", "ID", "big"] })).toThrow(
      'pipeline "all_types": header: no field for column "ratio", column "flag", column "day", column "at", column "label" (',
    );
    expect(() => matchHeader(ALL_TYPES, { layout: "csv", header: ["id", "ID", "big"] })).toThrow(
      'column "id": "id" and "ID" all match its name ignoring case (declare from: with the one to read)',
    );
    expect(() => matchHeader(ALL_TYPES, { layout: "csv", header: ["id", "id", "label"] })).toThrow(
      'pipeline "all_types": header: no field for column "big", column "ratio", column "flag", column "day", column "at" (',
    );
    expect(() => matchHeader(SPARSE, { layout: "csv", header: ["id", "id", "label"] })).toThrow(
      'pipeline "all_types": header: column "id": its field "id" appears 2 times. The file\'s header: "id", "id", "label"',
    );
  });
});

describe("convertFile, real source field names (from, case, skipLines)", () => {
  const AIRPORTS = definePipeline({
    name: "airports",
    description: "airports as a spreadsheet exports them",
    source: { kind: "push" },
    format: { type: "csv" },
    schema: [
      { name: "iata", from: "IATA Code", type: "string", nullable: false },
      { name: "airport_name", from: "Airport Name", type: "string", nullable: false },
      { name: "city", type: "string" },
      { name: "elevation_ft", from: "Elevation (ft)", type: "int" },
      { name: "a", type: "boolean" },
    ],
    partitionKeys: [],
    transform: { sql: "SELECT * FROM {{raw}}" },
  });
  const MOVIES = definePipeline({
    name: "movies",
    description: "movies with mixed-case JSON keys",
    source: { kind: "push" },
    format: { type: "ndjson" },
    schema: [
      { name: "title", type: "string", nullable: false },
      { name: "year", type: "int" },
      { name: "us_gross", from: "US Gross", type: "bigint" },
    ],
    partitionKeys: [],
    transform: { sql: "SELECT * FROM {{raw}}" },
  });
  const rows = async (result: Conversion) =>
    (await allRows(result)).map((r) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith("_source"))),
    );

  it("reads headers with spaces and capitals through from, others by name ignoring case, into lake names", async () => {
    // prepare: 4 records, one with a bad elevation
    const csv = [
      '"IATA Code",Airport Name,CITY,Elevation (ft),A,Remarks',
      'AMS,Amsterdam Airport Schiphol,Amsterdam,-11,true,"below sea level"',
      'CDG,"Paris Charles de Gaulle",Paris,392,f,',
      "FRA,Frankfurt am Main,Frankfurt,high,1,",
      'LHR,"London Heathrow, T5",London,83,,"quoted, comma"',
      "",
    ].join("\r\n");

    // act
    const result = await convert(write("airports.csv", csv), AIRPORTS);

    // assess: 4 in, 3 out, 1 quarantined; the Parquet columns are the lake's names
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([4, 3, 1]);
    expect(result.ignoredColumns).toEqual(["Remarks"]);
    expect(await rows(result)).toEqual([
      {
        iata: "AMS",
        airport_name: "Amsterdam Airport Schiphol",
        city: "Amsterdam",
        elevation_ft: -11,
        a: true,
      },
      { iata: "CDG", airport_name: "Paris Charles de Gaulle", city: "Paris", elevation_ft: 392, a: false },
      { iata: "LHR", airport_name: "London Heathrow, T5", city: "London", elevation_ft: 83, a: null },
    ]);
    expect(quarantined(result).map(({ line, column, reason }) => ({ line, column, reason }))).toEqual([
      { line: 4, column: "elevation_ft", reason: 'elevation_ft: "high" is not an int' },
    ]);
  });

  it("matches mixed-case JSON keys: exactly on from, else the name ignoring case; a key a record lacks is NULL", async () => {
    // prepare: 3 records; the third has no "US Gross"
    const ndjson = [
      '{"Title":"Clerks","Year":1994,"US Gross":3151130}',
      '{"Title":"Heat","Year":1995,"US Gross":67436818,"Rating":"R"}',
      '{"Title":"Solaris","Year":1972}',
    ].join("\n");

    // act
    const result = await convert(write("movies.ndjson", ndjson), MOVIES);

    // assess
    expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([3, 3, 0]);
    expect(await rows(result)).toEqual([
      { title: "Clerks", year: 1994, us_gross: 3151130n },
      { title: "Heat", year: 1995, us_gross: 67436818n },
      { title: "Solaris", year: 1972, us_gross: null },
    ]);
  });

  it("rejects a JSON file whose keys match a column twice, or match no column, naming the fix", async () => {
    // prepare
    const twice = '{"Title":"Clerks","Year":1994,"US Gross":1}\n{"title":"Heat","Year":1995,"US Gross":2}\n';
    const noGross = '{"Title":"Clerks","Year":1994,"Gross (US)":1}\n';
    const byName = definePipeline({
      ...MOVIES,
      schema: MOVIES.schema.map((c) => (c.name === "us_gross" ? { name: "us_gross", type: "bigint" } : c)),
    });

    // act
    const errors = await Promise.all([
      convert(write("twice.ndjson", twice), MOVIES).catch((e: unknown) => e),
      convert(write("no-gross.ndjson", noGross), MOVIES).catch((e: unknown) => e),
      convert(write("by-name.ndjson", twice.replace(/"title"/, '"Title"')), byName).catch((e: unknown) => e),
    ]);

    // assess
    expect(errors.map((e) => (e as UnreadableFileError).reason)).toEqual([
      'pipeline "movies": JSON keys: column "title": "Title" and "title" all match its name ignoring case (declare from: with the one to read). The file\'s JSON keys: "Title", "US Gross", "Year", "title"',
      'pipeline "movies": JSON keys: no field for column "us_gross" (from "US Gross") (fix: in src/pipelines/definitions/movies.ts, declare each one\'s from: with the file\'s name for it, or mayBeAbsent: true if files may lack it). The file\'s JSON keys: "Gross (US)", "Title", "Year"',
      'pipeline "movies": JSON keys: no field for column "us_gross" (fix: declare from: "US Gross" on "us_gross" in src/pipelines/definitions/movies.ts). The file\'s JSON keys: "Title", "US Gross", "Year"',
    ]);
  });

  it("converts a file that lacks a mayBeAbsent column, with NULLs in it", async () => {
    // prepare
    const pipeline = definePipeline({
      ...MOVIES,
      schema: MOVIES.schema.map((c) => (c.name === "us_gross" ? { ...c, mayBeAbsent: true } : c)),
    });

    // act
    const result = await convert(write("no-gross-ok.ndjson", '{"Title":"Solaris","Year":1972}\n'), pipeline);

    // assess
    expect(await rows(result)).toEqual([{ title: "Solaris", year: 1972, us_gross: null }]);
  });

  it("skips lines before the header, or a header line of a header: false file, keeping file line numbers", async () => {
    // prepare: a title line and a blank line before the header; the same file read by position
    const body =
      "Airport Name,IATA Code,City,Elevation (ft),A\nSchiphol,AMS,Amsterdam,x,true\nTegel,TXL,Berlin,122,0\n";
    const titled = `"Airports, as of 2026-11"\n\n${body}`;
    const positional = definePipeline({
      ...AIRPORTS,
      format: { type: "csv", header: false, skipLines: 1 },
      schema: [
        { name: "airport_name", type: "string", nullable: false },
        { name: "iata", type: "string", nullable: false },
        { name: "city", type: "string" },
        { name: "elevation_ft", type: "int" },
        { name: "a", type: "boolean" },
      ],
    });

    // act
    const byName = await convert(write("titled.csv", titled), {
      ...AIRPORTS,
      format: { type: "csv", skipLines: 2 },
    });
    const byPosition = await convert(write("positional.csv", body), positional);

    // assess: 2 in, 1 out, 1 quarantined each, on the line the record has in the file
    for (const [result, line] of [
      [byName, 4],
      [byPosition, 2],
    ] as const) {
      expect([result.rowsIn, result.rowsOut, result.rowsRejected]).toEqual([2, 1, 1]);
      expect(await rows(result)).toEqual([
        { iata: "TXL", airport_name: "Tegel", city: "Berlin", elevation_ft: 122, a: false },
      ]);
      expect(quarantined(result).map(({ line, row }) => ({ line, row }))).toEqual([
        { line, row: "Schiphol,AMS,Amsterdam,x,true" },
      ]);
    }
  });
});
