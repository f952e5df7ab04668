import type { Column, ColumnType, PipelineDeclaration } from "./pipeline.js";

/**
 * The table layouts the lake writes, as the Glue catalog declares them, without the SQL parser: raw is what
 * drop-to-raw writes (DuckDB `COPY ... PARTITION_BY`): the declared columns minus the partition keys (those live in
 * the path only), plus `_source_key` and `_source_line`, under `<pipeline>/ingest_date=YYYY-MM-DD/<key>=<value>/…`.
 * The curated layout needs the transform's inferred columns: `curatedLayout` in src/sql/layout.ts, run at synth and
 * build time only; a handler gets its result as data ({@link DeclaredTables}).
 */

/** Glue/Athena (Hive DDL) type of each declared type. Timestamps are written as UTC instants (INT64 micros). */
export const GLUE_TYPES: Readonly<Record<ColumnType, string>> = {
  string: "string",
  int: "int",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
};

/** The partition the lake adds before every declared key: the UTC day an object arrived (or its key names). */
export const INGEST_DATE: Column = { name: "ingest_date", type: "date", nullable: false };

export interface TableLayout {
  /** Data columns, in file order. */
  readonly columns: readonly Column[];
  /** Partition columns, in path order: ingest_date first. */
  readonly partitionKeys: readonly Column[];
}

function declaredKeys(pipeline: PipelineDeclaration): Column[] {
  return pipeline.partitionKeys.map((key) => {
    const column = pipeline.schema.find((c) => c.name === key);
    if (!column)
      throw new Error(`pipeline "${pipeline.name}": partition key "${key}" is not a declared column`);
    return column;
  });
}

export function rawLayout(pipeline: PipelineDeclaration): TableLayout {
  const keys = new Set(pipeline.partitionKeys);
  return {
    columns: [
      ...pipeline.schema.filter((c) => !keys.has(c.name)),
      { name: "_source_key", type: "string", nullable: false },
      { name: "_source_line", type: "bigint", nullable: false },
    ],
    partitionKeys: [INGEST_DATE, ...declaredKeys(pipeline)],
  };
}

/** One column as the Glue catalog declares it. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
}

/** A table's columns as the catalog lists them: the data columns, then the partition keys, Glue-typed. */
export function glueColumns(layout: TableLayout): GlueColumn[] {
  return [...layout.columns, ...layout.partitionKeys].map((c) => ({
    name: c.name,
    type: GLUE_TYPES[c.type],
  }));
}

/**
 * The raw and curated tables of every declared pipeline, by pipeline name: what the orchestrator compares the
 * crawled catalog with. Computed where the SQL parser may run (handlers/build.ts bakes it into the bundle).
 */
export type DeclaredTables = Readonly<
  Record<string, { readonly raw: readonly GlueColumn[]; readonly curated: readonly GlueColumn[] }>
>;
