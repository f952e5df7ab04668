import type { Column, ColumnType, PipelineDeclaration } from "../pipelines/types.js";
import { inferTransformColumns } from "./infer.js";

/**
 * The table layouts the lake writes, as the Glue catalog declares them. Raw is what drop-to-raw writes (DuckDB
 * `COPY ... PARTITION_BY`): the declared columns minus the partition keys (those live in the path only), plus
 * `_source_key` and `_source_line`, under `<pipeline>/ingest_date=YYYY-MM-DD/<key>=<value>/…`. Curated is the
 * transform's output, typed by inference, under the same partition scheme.
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

/**
 * The curated table: the transform's output columns, minus the declared partition keys it outputs, then
 * ingest_date and those keys as partitions. A declared key the transform does not output (it aggregated it
 * away) is simply not a curated partition.
 */
export function curatedLayout(pipeline: PipelineDeclaration): TableLayout {
  const output = inferTransformColumns(pipeline);
  const outputNames = new Set(output.map((c) => c.name));
  const keys = pipeline.partitionKeys.filter((k) => outputNames.has(k));
  const keyColumns = keys.map((k) => output.find((c) => c.name === k) as Column);
  return {
    columns: output.filter((c) => !keys.includes(c.name)),
    partitionKeys: [INGEST_DATE, ...keyColumns],
  };
}
