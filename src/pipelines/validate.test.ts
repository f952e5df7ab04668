import { describe, expect, it } from "vitest";
import { declarationProblems } from "../core/declaration.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import orders from "./definitions/orders.js";
import { loadPipelines, PipelineError, pipelineProblems, validatePipelines } from "./index.js";

const with_ = (change: Partial<PipelineDeclaration>): PipelineDeclaration => ({ ...orders, ...change });

describe("pipeline declarations", () => {
  it("loads the shipped examples, sorted by name", async () => {
    expect((await loadPipelines()).map((p) => p.name)).toEqual(["airports", "clickstream", "orders"]);
  });

  it.each([
    [{ name: "Orders" }, 'pipeline "Orders": name: "Orders" must be lower-case snake_case, 2-41 characters'],
    [
      { source: { kind: "http", url: "ftp://x", schedule: "rate(1 hour)" } },
      'pipeline "orders": source.url: "ftp://x" is not an http(s) URL',
    ],
    [
      { source: { kind: "http", url: "https://x", schedule: "hourly" } },
      'pipeline "orders": source.schedule: "hourly" is not rate(N unit) or cron(...)',
    ],
    [
      { format: { type: "xml" as "csv" } },
      'pipeline "orders": format.type: "xml" is not csv, json or ndjson',
    ],
    [
      { format: { type: "ndjson", delimiter: ";" } },
      'pipeline "orders": format: delimiter, header and skipLines apply to csv only',
    ],
    [{ schema: [] }, 'pipeline "orders": schema: declares no columns'],
    [
      { schema: [{ name: "a", type: "money" as "int" }] },
      'pipeline "orders": schema[0].type: "money" is not one of string, int, bigint, double, boolean, date, timestamp',
    ],
    [
      { schema: [{ name: "ingest_date", type: "date" }] },
      'pipeline "orders": schema[0].name: "ingest_date" is reserved by the lake',
    ],
    [{ partitionKeys: ["region"] }, 'pipeline "orders": partitionKeys: "region" is not a declared column'],
    [
      { transform: { sql: "SELECT country,\n  COUNT(*) AS n FROM {{raw}} GROUP BY" } },
      'pipeline "orders": transform.sql: not valid Athena (Trino) SQL at line 2, column 38: unexpected end of the statement',
    ],
    [
      { transform: { sql: "SELECT contry, COUNT(*) AS n FROM {{raw}} GROUP BY contry" } },
      'pipeline "orders": transform.sql: unknown column "contry" (line 1, column 8); unknown column "contry" (line 1, column 52). {{raw}} has order_id, customer_id, country, sku, quantity, unit_price, ordered_at, is_gift, ingest_date, _source_key, _source_line',
    ],
    [
      { transform: { sql: "DELETE FROM x" } },
      'pipeline "orders": transform.sql: must be a SELECT that reads from {{raw}}',
    ],
    [{ dropRetentionDays: 0 }, 'pipeline "orders": dropRetentionDays: must be a whole number >= 1'],
    [
      { source: { kind: "stream", bufferSeconds: 1.5 } },
      'pipeline "orders": source.bufferSeconds: must be a whole number 0-900',
    ],
    [
      { source: { kind: "stream", bufferMegabytes: 200 } },
      'pipeline "orders": source.bufferMegabytes: must be a whole number 1-128',
    ],
    [
      { source: { kind: "stream" }, format: { type: "json" } },
      'pipeline "orders": format.type: a stream delivers records joined end to end: use "ndjson"',
    ],
    [
      { source: { kind: "stream" } },
      'pipeline "orders": format.header: a stream\'s CSV records carry no header: set header: false',
    ],
  ] as [Partial<PipelineDeclaration>, string][])("rejects %j", (change, message) => {
    expect(pipelineProblems(with_(change))).toContain(message);
  });

  it("rejects two pipelines with one name, and no pipelines at all, in one error", () => {
    expect(() => validatePipelines([orders, orders])).toThrow(PipelineError);
    expect(() => validatePipelines([orders, orders])).toThrow('pipeline "orders": name: declared twice');
    expect(() => validatePipelines([])).toThrow("no pipelines are declared in src/pipelines/definitions/");
  });

  it("accepts the shipped examples as they are", () => {
    expect(pipelineProblems(orders)).toEqual([]);
  });

  it("accepts a stream of NDJSON, or of CSV without a header", () => {
    expect(pipelineProblems(with_({ source: { kind: "stream" }, format: { type: "ndjson" } }))).toEqual([]);
    expect(
      pipelineProblems(
        with_({ source: { kind: "stream", bufferSeconds: 60 }, format: { type: "csv", header: false } }),
      ),
    ).toEqual([]);
  });
});

describe("columns read from real source fields", () => {
  const csv = (schema: PipelineDeclaration["schema"], format: Partial<PipelineDeclaration["format"]> = {}) =>
    with_({ schema, partitionKeys: [], format: { type: "csv", ...format } });

  it("accepts one-letter lake names, and any source field name through from", () => {
    // act / assess (the declaration alone: orders' transform reads columns this schema does not have)
    expect(
      declarationProblems(
        csv([
          { name: "a", type: "int" },
          { name: "airport_name", from: "Airport Name", type: "string", nullable: false },
          { name: "us_gross", from: "US Gross ($)", type: "double" },
          { name: "contact_phone_number", from: "Contact Phone Number", type: "string", mayBeAbsent: true },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      csv([{ name: "Airport Name", type: "string" }]),
      'pipeline "orders": schema[0].name: "Airport Name" is not a lake column name (lower-case snake_case: a-z, 0-9 and _, starting with a letter); to read a source field named so, declare { name: "airport_name", from: "Airport Name" }',
    ],
    [
      csv([{ name: "2025 Passengers", type: "bigint" }]),
      'pipeline "orders": schema[0].name: "2025 Passengers" is not a lake column name (lower-case snake_case: a-z, 0-9 and _, starting with a letter); to read a source field named so, declare { name: "c_2025_passengers", from: "2025 Passengers" }',
    ],
    [
      csv([{ name: `a${"b".repeat(41)}`, type: "string" }]),
      `pipeline "orders": schema[0].name: "a${"b".repeat(41)}" has 42 characters, at most 41: shorten it (from: keeps reading the source field's name)`,
    ],
    [
      csv([{ name: "title", from: "Title", type: "string" }], { header: false }),
      'pipeline "orders": schema[0].from: column "title": "Title": a header: false file\'s columns are taken by position, so there is no field name to match: remove from, or set header: true',
    ],
    [
      csv([{ name: "title", from: " Title ", type: "string" }]),
      'pipeline "orders": schema[0].from: column "title": " Title ": CSV header fields are compared trimmed: write from: "Title"',
    ],
    [
      csv([
        { name: "title", from: "Title", type: "string" },
        { name: "title_again", from: "Title", type: "string" },
      ]),
      'pipeline "orders": schema[1].from: column "title_again": "Title" is also the source of column "title": one field feeds one column; copy it in the transform instead',
    ],
    [
      csv([
        { name: "heading", from: "Title", type: "string" },
        { name: "title", type: "string" },
      ]),
      'pipeline "orders": schema[1].name: column "title": "title" would also match the field "Title", the from of column "heading": give "title" its own from',
    ],
    [
      csv([{ name: "id", type: "int", nullable: false, mayBeAbsent: true }]),
      'pipeline "orders": schema[0].mayBeAbsent: column "id": not nullable, so a file without it would have every row quarantined: make it nullable, or drop mayBeAbsent',
    ],
    [
      csv([{ name: "id", type: "int", mayBeAbsent: true }], { header: false }),
      'pipeline "orders": schema[0].mayBeAbsent: column "id": a header: false file has every column by position, none can be absent: drop mayBeAbsent',
    ],
    [
      csv([{ name: "id", type: "int" }], { skipLines: -1 }),
      'pipeline "orders": format.skipLines: -1 must be a whole number >= 0',
    ],
    [
      with_({ format: { type: "ndjson", skipLines: 1 } }),
      'pipeline "orders": format: delimiter, header and skipLines apply to csv only',
    ],
    [
      with_({ source: { kind: "stream" }, format: { type: "csv", header: false, skipLines: 1 } }),
      'pipeline "orders": format.skipLines: a stream\'s files are its records joined end to end: skipping lines would drop records',
    ],
  ])("rejects %#, naming the pipeline, the column and the fix", (declaration, message) => {
    // act / assess
    expect(pipelineProblems(declaration)).toContain(message);
  });
});
