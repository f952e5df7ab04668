import type { PipelineDeclaration } from "../../src/pipelines/types.js";
import { PIPELINE_NAME } from "./schema.js";

/**
 * The declaration of one pipeline, from the bundle. A Lambda cannot read the repository, and listing the
 * declarations here by hand would mean touching the handler for every new dataset. esbuild turns this template
 * import into a table of every `src/pipelines/definitions/*.ts` (each evaluated only when asked for), so adding a
 * declaration file and rebuilding is enough; under tsx/vitest it is an ordinary dynamic import.
 */
export async function loadPipeline(name: string): Promise<PipelineDeclaration> {
  if (!PIPELINE_NAME.test(name)) throw new Error(`"${name}" is not a pipeline name`);
  let module: { default?: PipelineDeclaration };
  try {
    module = (await import(`../../src/pipelines/definitions/${name}.ts`)) as {
      default?: PipelineDeclaration;
    };
  } catch (error) {
    throw new Error(`unknown pipeline "${name}": no src/pipelines/definitions/${name}.ts in this build`, {
      cause: error,
    });
  }
  const declaration = module.default;
  if (declaration?.name !== name)
    throw new Error(`src/pipelines/definitions/${name}.ts does not default-export the "${name}" declaration`);
  return declaration;
}
