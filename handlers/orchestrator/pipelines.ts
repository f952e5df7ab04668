import type { PipelineDeclaration } from "../../src/pipelines/types.js";
import { curatedLayout, GLUE_TYPES, rawLayout } from "../../src/sql/layout.js";

const PIPELINE_NAME = /^[a-z][a-z0-9_]{1,40}$/;

/**
 * The declared columns of a pipeline's raw or curated table, from the declarations bundled at build time (esbuild
 * turns the template import into a table of src/pipelines/definitions/*.ts, as in drop-to-raw). Undefined for a
 * pipeline that is not declared.
 */
export async function declaredColumns(
  zone: "raw" | "curated",
  name: string,
): Promise<{ name: string; type: string }[] | undefined> {
  if (!PIPELINE_NAME.test(name)) return undefined;
  let declaration: PipelineDeclaration | undefined;
  try {
    declaration = (
      (await import(`../../src/pipelines/definitions/${name}.ts`)) as { default?: PipelineDeclaration }
    ).default;
  } catch {
    return undefined;
  }
  if (!declaration) return undefined;
  const layout = zone === "raw" ? rawLayout(declaration) : curatedLayout(declaration);
  return [...layout.columns, ...layout.partitionKeys].map((c) => ({
    name: c.name,
    type: GLUE_TYPES[c.type],
  }));
}
