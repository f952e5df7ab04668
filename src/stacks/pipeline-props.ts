import type { CatalogTable, CatalogTableLayout } from "../../modules/glue-catalog/index.js";
import type { PipelineDeclaration } from "../pipelines/types.js";
import { curatedLayout, GLUE_TYPES, rawLayout, type TableLayout } from "../sql/layout.js";

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
