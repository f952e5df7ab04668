import { mkdirSync, mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertFile } from "../../handlers/drop-to-raw/convert.js";
import { type DuckDbConnection, openEngine } from "../../handlers/drop-to-raw/duckdb.js";
import type { ColumnType, PipelineDeclaration } from "../core/pipeline.js";
import { loadPipelines } from "../pipelines/index.js";
import { inferTransformColumns } from "./infer.js";
import { curatedLayout, rawLayout } from "./layout.js";
import { sqlIdentifier, sqlString, tableRef } from "./parser.js";
import { insertFormatTemplate, insertStatement, statesFormat, type TransformTables } from "./statements.js";

// Every curated transform, run on DuckDB exactly as Athena receives it (the INSERT … WITH … SELECT of one ingest
// date) against Parquet that the real converter made from the pipeline's sample file, and checked row by row.

const SAMPLES = new URL("../pipelines/samples/", import.meta.url);
const samples = JSON.parse(readFileSync(new URL("expected.json", SAMPLES), "utf8")) as Record<
  string,
  { file: string }
>;
const expected = JSON.parse(
  readFileSync(new URL("fixtures/curated-expected.json", import.meta.url), "utf8"),
) as {
  ingestDate: string;
} & Record<string, { orderBy: string[]; rows: Record<string, unknown>[] }>;

const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  string: "VARCHAR",
  int: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP WITH TIME ZONE",
};
/** DuckDB widens SUM over integers to HUGEINT; Athena returns BIGINT. Both fit the declared bigint column. */
const DUCKDB_ALSO: Readonly<Partial<Record<ColumnType, string[]>>> = { bigint: ["HUGEINT"] };

const tables = (p: PipelineDeclaration): TransformTables => ({
  raw: { database: "lake_raw", table: p.name },
  curated: { database: "lake_curated", table: p.name },
});

let pipelines: readonly PipelineDeclaration[];
let root: string;
let engine: Awaited<ReturnType<typeof openEngine>>;
let db: DuckDbConnection;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

/** The raw zone of one pipeline as the converter lays it out, and a view typed like the Glue table. */
async function stageRaw(p: PipelineDeclaration): Promise<void> {
  const work = join(root, "work", p.name);
  mkdirSync(work, { recursive: true });
  const sample = samples[p.name];
  if (!sample) throw new Error(`no sample for ${p.name}`);
  const key = `${p.name}/ingest_date=${expected.ingestDate}/${sample.file}`;
  const result = await convertFile(new URL(sample.file, SAMPLES).pathname, {
    pipeline: p,
    source: { bucket: "drop", key },
    name: "sample",
    workDir: work,
    threads: 1,
    memoryLimitMb: 128,
  });
  for (const file of result.parquet) {
    const target = join(root, "raw", p.name, `ingest_date=${expected.ingestDate}`, file.relativeKey);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(file.path, target);
  }
  const layout = rawLayout(p);
  const hiveTypes = layout.partitionKeys
    .map((k) => `${sqlString(k.name)}: ${DUCKDB_TYPES[k.type]}`)
    .join(", ");
  const glob = join(root, "raw", p.name, "**", "*.parquet");
  await db.run(
    `CREATE VIEW ${tableRef("lake_raw", p.name)} AS SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {${hiveTypes}})`,
  );
  const curated = curatedLayout(p);
  const columns = [...curated.columns, ...curated.partitionKeys].map(
    (c) => `${sqlIdentifier(c.name)} ${DUCKDB_TYPES[c.type]}`,
  );
  await db.run(`CREATE TABLE ${tableRef("lake_curated", p.name)} (${columns.join(", ")})`);
}

beforeAll(async () => {
  pipelines = await loadPipelines();
  root = mkdtempSync(join(tmpdir(), "event-lake-sql-"));
  engine = await openEngine({ tempDirectory: root, threads: 1, memoryLimitMb: 256 });
  db = engine.connection;
  await db.run("CREATE SCHEMA lake_raw; CREATE SCHEMA lake_curated");
  for (const p of pipelines) await stageRaw(p);
}, 60_000);

afterAll(() => engine?.close());

describe("curated transforms on DuckDB", () => {
  it("covers every declared pipeline with an expected table", () => {
    expect(pipelines.map((p) => p.name).filter((n) => expected[n] === undefined)).toEqual([]);
  });

  it.each(["orders", "clickstream", "airports"])(
    "%s: the INSERT of one ingest date writes exactly the expected rows",
    async (name) => {
      // prepare
      const p = pipelines.find((x) => x.name === name) as PipelineDeclaration;
      const want = expected[name] as { orderBy: string[]; rows: Record<string, unknown>[] };

      // act: the very statement the state machine sends, filled the way States.Format fills it
      const { template, dateArguments } = insertFormatTemplate(p, tables(p));
      const sql = statesFormat(template, ...Array<string>(dateArguments).fill(expected.ingestDate));
      await db.run(sql);
      const bigints = curatedLayout(p)
        .columns.filter((c) => c.type === "bigint")
        .map((c) => c.name);
      const got = (
        await rows(
          `SELECT * FROM ${tableRef("lake_curated", p.name)} ORDER BY ${want.orderBy.map(sqlIdentifier).join(", ")}`,
        )
      ).map((row) => ({ ...row, ...Object.fromEntries(bigints.map((b) => [b, Number(row[b])])) }));

      // assess
      expect(sql.replace(/\s+/g, " ")).toBe(
        insertStatement(p, tables(p), { date: expected.ingestDate }).replace(/\s+/g, " "),
      );
      expect(got).toEqual(want.rows);
    },
  );

  it.each(["orders", "clickstream", "airports"])(
    "%s: a date with no raw data inserts nothing",
    async (name) => {
      const p = pipelines.find((x) => x.name === name) as PipelineDeclaration;
      const before = await rows(`SELECT COUNT(*) AS n FROM ${tableRef("lake_curated", p.name)}`);
      await db.run(insertStatement(p, tables(p), { date: "2026-11-22" }));
      expect(await rows(`SELECT COUNT(*) AS n FROM ${tableRef("lake_curated", p.name)}`)).toEqual(before);
    },
  );

  it.each(["orders", "clickstream", "airports"])(
    "%s: the inferred curated types are what DuckDB computes",
    async (name) => {
      const p = pipelines.find((x) => x.name === name) as PipelineDeclaration;
      const described = await rows(
        `DESCRIBE ${p.transform.sql.replaceAll("{{raw}}", tableRef("lake_raw", p.name))}`,
      );
      const actual = described.map((r) => [r["column_name"], r["column_type"]]);
      const inferred = inferTransformColumns(p);
      expect(actual.map(([n]) => n)).toEqual(inferred.map((c) => c.name));
      for (const [i, column] of inferred.entries())
        expect([DUCKDB_TYPES[column.type], ...(DUCKDB_ALSO[column.type] ?? [])]).toContain(actual[i]?.[1]);
    },
  );
});
