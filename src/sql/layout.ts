import {
  type DeclaredTables,
  glueColumns,
  INGEST_DATE,
  rawLayout,
  type TableLayout,
} from "../core/layout.js";
import type { Column, PipelineDeclaration } from "../core/pipeline.js";
import { inferTransformColumns } from "./infer.js";

/**
 * The parser-free part of the layouts lives in src/core/layout.ts (handlers may import it); re-exported here so
 * the app keeps one import. The curated layout infers the transform's columns, so it needs the SQL parser and
 * runs at synth and build time only.
 */
export {
  type DeclaredTables,
  GLUE_TYPES,
  type GlueColumn,
  glueColumns,
  INGEST_DATE,
  rawLayout,
  type TableLayout,
} from "../core/layout.js";

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

/** The raw and curated tables of each pipeline, sorted by name (a deterministic bundle). */
export function declaredTables(pipelines: readonly PipelineDeclaration[]): DeclaredTables {
  return Object.fromEntries(
    [...pipelines]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((p) => [p.name, { raw: glueColumns(rawLayout(p)), curated: glueColumns(curatedLayout(p)) }]),
  );
}
