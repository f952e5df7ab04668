import { CURATED_DATABASE_STAND_INS, type CuratedTransform } from "../../modules/curated-stage/index.js";
import type { DeliveryStreamProps } from "../../modules/delivery-stream/index.js";
import type { CatalogTable, CatalogTableLayout } from "../../modules/glue-catalog/index.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { curatedLayout, GLUE_TYPES, rawLayout, type TableLayout } from "../sql/layout.js";
import { insertFormatTemplate } from "../sql/statements.js";

/**
 * What the modules are told about a pipeline, from its declaration: modules take narrow props of their own
 * (names, column lists, SQL text) and know nothing of `PipelineDeclaration` (issue 17), so the mapping lives here,
 * with the stacks that compose them.
 */

function catalogLayout(layout: TableLayout): CatalogTableLayout {
  const glue = (c: TableLayout["columns"][number]) => ({ name: c.name, type: GLUE_TYPES[c.type] });
  return { columns: layout.columns.map(glue), partitionKeys: layout.partitionKeys.map(glue) };
}

/** A pipeline's raw and curated Glue tables (the curated columns inferred from its transform). */
export function catalogTable(pipeline: PipelineDeclaration): CatalogTable {
  return {
    name: pipeline.name,
    description: pipeline.description,
    raw: catalogLayout(rawLayout(pipeline)),
    curated: catalogLayout(curatedLayout(pipeline)),
  };
}

/**
 * A pipeline's curated transform as its engine runs it: engine athena, the INSERT of one ingest date as a
 * States.Format template over the stage's database stand-ins; engine glue, the SELECT and the curated columns.
 */
export function curatedTransform(pipeline: PipelineDeclaration): CuratedTransform {
  if ((pipeline.transform.engine ?? "athena") === "glue") {
    const layout = curatedLayout(pipeline);
    return {
      engine: "glue",
      sql: pipeline.transform.sql,
      columns: [...layout.columns, ...layout.partitionKeys].map((c) => c.name),
      partitionKeys: layout.partitionKeys.map((c) => c.name),
    };
  }
  const { template, dateArguments } = insertFormatTemplate(pipeline, {
    raw: { database: CURATED_DATABASE_STAND_INS.raw, table: pipeline.name },
    curated: { database: CURATED_DATABASE_STAND_INS.curated, table: pipeline.name },
  });
  return { engine: "athena", insertTemplate: template, dateArguments };
}

/** What a stream pipeline's Firehose stream is told: its prefix, its records' format and its buffering hints. */
export function deliveredDataset(
  pipeline: PipelineDeclaration,
): Pick<DeliveryStreamProps, "dataset" | "format" | "buffer"> {
  const { source, format } = pipeline;
  if (source.kind !== "stream")
    throw new Error(`pipeline "${pipeline.name}": source.kind must be "stream", got "${source.kind}"`);
  return {
    dataset: pipeline.name,
    format: { type: format.type, header: format.type === "csv" ? format.header : undefined },
    buffer: { seconds: source.bufferSeconds, megabytes: source.bufferMegabytes },
  };
}
