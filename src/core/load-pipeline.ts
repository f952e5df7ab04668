import { declarationProblems } from "./declaration.js";
import { PIPELINE_NAME } from "./naming.js";
import type { PipelineDeclaration } from "./pipeline.js";

/** Where the app declares its pipelines: one file per pipeline, named after it, default-exporting `definePipeline({...})`. */
export const DEFINITIONS_DIR = "src/pipelines/definitions";

/**
 * How a build reaches the declaration file of pipeline `name`: `import(\`…/definitions/${name}.ts\`)`, written by the
 * caller, since the core imports nothing outside itself. In a handler esbuild turns that template import into a table
 * of every declaration file (each evaluated only when asked for), so adding a file and rebuilding is enough; under
 * tsx/vitest it is an ordinary dynamic import.
 */
export type DeclarationImport = (name: string) => Promise<{ readonly default?: unknown }>;

/** Node/tsx: ERR_MODULE_NOT_FOUND; an esbuild bundle: "Module not found in bundle" / "Unknown variable dynamic import". */
const NOT_FOUND =
  /Cannot find module|ERR_MODULE_NOT_FOUND|not found in bundle|Unknown variable dynamic import/i;

/**
 * The declaration in `${DEFINITIONS_DIR}/<name>.ts`, or undefined when `name` is not a pipeline name (which also keeps
 * the path inside the folder) or there is no such file. Throws, naming the file, when the file does not default-export
 * the declaration of pipeline `name`, and passes on any other error of the import. Its problems are not checked here.
 */
export async function importDeclaration(
  name: string,
  importFile: DeclarationImport,
): Promise<PipelineDeclaration | undefined> {
  if (!PIPELINE_NAME.test(name)) return undefined;
  let module: { readonly default?: unknown };
  try {
    module = await importFile(name);
  } catch (error) {
    if (NOT_FOUND.test(String((error as Error)?.message ?? error))) return undefined;
    throw error;
  }
  const declaration = module.default as PipelineDeclaration | undefined;
  if (declaration?.name !== name)
    throw new Error(
      `${DEFINITIONS_DIR}/${name}.ts does not default-export the "${name}" declaration: ` +
        `export default definePipeline({ name: "${name}", ... })`,
    );
  return declaration;
}

/** The declaration of pipeline `name`, checked; undefined when no such pipeline is declared in this build. */
export type PipelineLoader = (name: string) => Promise<PipelineDeclaration | undefined>;

/**
 * The one `loadPipeline`: {@link importDeclaration}, then the declaration's problems (every one of them, each naming
 * the pipeline and the field; the transform's SQL is checked by the app, whose parser ships in no Lambda), each
 * answer cached per name for the life of the process.
 */
export function pipelineLoader(importFile: DeclarationImport): PipelineLoader {
  const cache = new Map<string, Promise<PipelineDeclaration | undefined>>();
  const load = async (name: string) => {
    const declaration = await importDeclaration(name, importFile);
    if (declaration === undefined) return undefined;
    const problems = declarationProblems(declaration);
    if (problems.length > 0) throw new Error(`invalid pipeline declaration: ${problems.join("; ")}`);
    return declaration;
  };
  return (name) => {
    let answer = cache.get(name);
    if (answer === undefined) {
      answer = load(name);
      // A failed load is not remembered: the next call says why again.
      answer.catch(() => cache.delete(name));
      cache.set(name, answer);
    }
    return answer;
  };
}

/** The declaration of pipeline `name`, or an error naming what is wrong with the name (not one, or not declared). */
export async function requirePipeline(load: PipelineLoader, name: string): Promise<PipelineDeclaration> {
  if (!PIPELINE_NAME.test(name))
    throw new Error(`"${name}" is not a pipeline name (lower-case snake_case, 2-41 characters)`);
  const declaration = await load(name);
  if (declaration === undefined)
    throw new Error(`unknown pipeline "${name}": no ${DEFINITIONS_DIR}/${name}.ts in this build`);
  return declaration;
}
