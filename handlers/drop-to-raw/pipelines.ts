import { declarationProblems } from "../../src/pipelines/declaration.js";
import type { PipelineDeclaration } from "../../src/pipelines/types.js";

const PIPELINE_NAME = /^[a-z][a-z0-9_]{1,40}$/;
const cache = new Map<string, PipelineDeclaration | undefined>();

/**
 * The declaration of pipeline `name`, or undefined when no such pipeline is declared (its files are then quarantined
 * as "unknown pipeline"). A Lambda bundle cannot read src/pipelines/definitions/ at run time, and a hand-written list
 * would need a handler change per dataset: esbuild turns this template import into a table of every
 * `src/pipelines/definitions/*.ts` (each evaluated only when asked for), so adding a declaration file and rebuilding is
 * enough. Under tsx/vitest it is an ordinary dynamic import. The same mechanism as handlers/ingest/pipelines.ts.
 */
export async function loadPipeline(name: string): Promise<PipelineDeclaration | undefined> {
  if (!PIPELINE_NAME.test(name)) return undefined; // also keeps the path inside definitions/
  if (cache.has(name)) return cache.get(name);
  let module: { default?: PipelineDeclaration };
  try {
    module = (await import(`../../src/pipelines/definitions/${name}.ts`)) as {
      default?: PipelineDeclaration;
    };
  } catch (error) {
    const message = String((error as Error).message ?? error);
    // Node/tsx: ERR_MODULE_NOT_FOUND; an esbuild bundle: "Module not found in bundle" / "Unknown variable dynamic import".
    if (
      !/Cannot find module|ERR_MODULE_NOT_FOUND|not found in bundle|Unknown variable dynamic import/i.test(
        message,
      )
    )
      throw error;
    cache.set(name, undefined);
    return undefined;
  }
  const declaration = module.default;
  if (declaration?.name !== name)
    throw new Error(`src/pipelines/definitions/${name}.ts does not default-export the "${name}" declaration`);
  const problems = declarationProblems(declaration);
  if (problems.length > 0) throw new Error(`invalid pipeline declaration: ${problems.join("; ")}`);
  cache.set(name, declaration);
  return declaration;
}
