import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { benchExtraPipelines } from "../config/bench.js";
import { generatedPipelines } from "./generated.js";
import type { PipelineDeclaration } from "./types.js";
import { validatePipelines } from "./validate.js";

export * from "./types.js";
export { PipelineError, pipelineProblems, validatePipelines } from "./validate.js";

/** Where declarations live: one file per dataset, default-exporting `definePipeline({...})`. */
export const DEFINITIONS_DIR = "src/pipelines/definitions";

/**
 * Loads every declaration in `src/pipelines/definitions/`. Adding a dataset is adding one file there: the
 * directory is read at synth time, and esbuild bundles every file the template below can match. `extra` generated
 * pipelines are appended for `make bench` only (EVENT_LAKE_BENCH_EXTRA_PIPELINES, unset: none).
 */
export async function loadPipelines(
  dir = DEFINITIONS_DIR,
  extra = benchExtraPipelines(),
): Promise<readonly PipelineDeclaration[]> {
  const files = readdirSync(resolve(dir))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort();
  const declarations: PipelineDeclaration[] = [];
  for (const file of files) {
    const name = file.slice(0, -".ts".length);
    const module = (await import(`./definitions/${name}.ts`)) as { default?: PipelineDeclaration };
    if (!module.default)
      throw new Error(`${dir}/${file} has no default export: export default definePipeline({...})`);
    declarations.push(module.default);
  }
  return validatePipelines([...declarations, ...generatedPipelines(extra)]);
}
