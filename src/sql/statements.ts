import type { PipelineDeclaration } from "../core/pipeline.js";
import { bindRaw } from "./infer.js";
import { curatedLayout, rawLayout } from "./layout.js";
import { sqlIdentifier, sqlString, tableRef } from "./parser.js";

/**
 * The statements the curated stage and the analysts' workgroup run. Pure string building over the layouts in
 * layout.ts; every statement is parsed with the Trino grammar and executed on DuckDB in tests.
 */

export interface TableName {
  readonly database: string;
  readonly table: string;
}

export interface TransformTables {
  readonly raw: TableName;
  readonly curated: TableName;
}

/** One ingest date as a SQL literal or an expression: `{ date: "2026-11-20" }` or `{ expression: "current_date" }`. */
export type IngestDate = { readonly date: string } | { readonly expression: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isIngestDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function dateSql(ingestDate: IngestDate): string {
  if ("date" in ingestDate) {
    if (!isIngestDate(ingestDate.date)) throw new Error(`"${ingestDate.date}" is not a YYYY-MM-DD date`);
    return `DATE ${sqlString(ingestDate.date)}`;
  }
  return `(${ingestDate.expression})`;
}

/**
 * The curated transform for one ingest date, as one `INSERT INTO … WITH … SELECT`: the raw rows of that date only
 * (a partition filter, so the query scans one day), the pipeline's transform over them, and the output in the
 * curated table's column order (data columns, then ingest_date, then the declared keys). One date per query keeps
 * each statement under Athena's 100-partitions-per-INSERT limit as long as a day has fewer than 100 combinations
 * of declared-key values (they are declared low-cardinality).
 */
export function insertStatement(
  pipeline: PipelineDeclaration,
  tables: TransformTables,
  ingestDate: IngestDate,
): string {
  const curated = curatedLayout(pipeline);
  const date = dateSql(ingestDate);
  const select = [
    ...curated.columns.map((c) => sqlIdentifier(c.name)),
    `${date} AS ${sqlIdentifier("ingest_date")}`,
    ...curated.partitionKeys.slice(1).map((c) => sqlIdentifier(c.name)),
  ];
  return [
    `INSERT INTO ${tableRef(tables.curated.database, tables.curated.table)}`,
    `WITH ${sqlIdentifier("raw_batch")} AS (`,
    `  SELECT * FROM ${tableRef(tables.raw.database, tables.raw.table)} WHERE ${sqlIdentifier("ingest_date")} = ${date}`,
    `),`,
    `${sqlIdentifier("transformed")} AS (`,
    bindRaw(pipeline, sqlIdentifier("raw_batch")),
    `)`,
    `SELECT ${select.join(", ")}`,
    `FROM ${sqlIdentifier("transformed")}`,
  ].join("\n");
}

/** A date no real batch uses, standing in for the date while the Step Functions template is built. */
const TEMPLATE_SENTINEL = "9999-12-31";

/** Escapes a string for a literal inside a Step Functions intrinsic function (`'`, `{`, `}` and `\`). */
export function escapeIntrinsic(value: string): string {
  return value.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/**
 * The INSERT as a `States.Format` template: one `{}` where the ingest date goes (twice, both filled from one
 * argument list), newlines folded to spaces. Returns the template and how many times the date must be passed.
 */
export function insertFormatTemplate(
  pipeline: PipelineDeclaration,
  tables: TransformTables,
): { readonly template: string; readonly dateArguments: number } {
  if (pipeline.transform.sql.includes(TEMPLATE_SENTINEL))
    throw new Error(
      `pipeline "${pipeline.name}": transform.sql contains ${TEMPLATE_SENTINEL}, which the template reserves`,
    );
  const sql = insertStatement(pipeline, tables, { date: TEMPLATE_SENTINEL }).replace(/\s*\n\s*/g, " ");
  const parts = escapeIntrinsic(sql).split(TEMPLATE_SENTINEL);
  return { template: parts.join("{}"), dateArguments: parts.length - 1 };
}

/** Fills a {@link insertFormatTemplate} the way `States.Format` does (what the local runner needs). */
export function statesFormat(template: string, ...values: readonly string[]): string {
  let next = 0;
  return template.replace(/\\([\\'{}])|\{\}/g, (match, escaped: string | undefined) => {
    if (escaped !== undefined) return escaped;
    const value = values[next++];
    if (value === undefined) throw new Error(`States.Format: too few arguments for ${match}`);
    return value;
  });
}

export interface NamedQuery {
  /** Unique per workgroup: `<pipeline>-<what>`. */
  readonly name: string;
  readonly description: string;
  readonly database: string;
  readonly sql: string;
}

/** The named queries shipped per pipeline: the transform (by hand, for yesterday), a preview and examples. */
export function namedQueries(pipeline: PipelineDeclaration, tables: TransformTables): NamedQuery[] {
  const raw = tableRef(tables.raw.database, tables.raw.table);
  const curated = tableRef(tables.curated.database, tables.curated.table);
  const lastWeek = `${sqlIdentifier("ingest_date")} >= current_date - INTERVAL '7' DAY`;
  const p = pipeline.name;
  return [
    {
      name: `${p}-curated-transform`,
      description: `Re-runs the ${p} curated transform for yesterday's ingest date (the state machine runs it per date)`,
      database: tables.curated.database,
      sql: insertStatement(pipeline, tables, { expression: "current_date - INTERVAL '1' DAY" }),
    },
    {
      name: `${p}-transform-preview`,
      description: `The ${p} transform over the last 7 days of raw data, first 100 rows, written nowhere`,
      database: tables.raw.database,
      sql: `SELECT * FROM (\n${bindRaw(pipeline, `(SELECT * FROM ${raw} WHERE ${lastWeek})`)}\n) AS ${sqlIdentifier("preview")} LIMIT 100`,
    },
    {
      name: `${p}-raw-rows-per-day`,
      description: `Rows that reached raw ${p} per ingest date, last 7 days`,
      database: tables.raw.database,
      sql: `SELECT ${sqlIdentifier("ingest_date")}, COUNT(*) AS ${sqlIdentifier("row_count")} FROM ${raw} WHERE ${lastWeek} GROUP BY ${sqlIdentifier("ingest_date")} ORDER BY ${sqlIdentifier("ingest_date")}`,
    },
    {
      name: `${p}-curated-last-week`,
      description: `Curated ${p} rows of the last 7 ingest dates, first 100`,
      database: tables.curated.database,
      sql: `SELECT * FROM ${curated} WHERE ${lastWeek} ORDER BY ${sqlIdentifier("ingest_date")} DESC LIMIT 100`,
    },
  ];
}

/** Names of the raw layout's columns, for callers that only need them. */
export const rawColumnNames = (pipeline: PipelineDeclaration): string[] =>
  [...rawLayout(pipeline).columns, ...rawLayout(pipeline).partitionKeys].map((c) => c.name);
