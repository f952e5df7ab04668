import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { benchExtraPipelines } from "../config/bench.js";
import { DEFINITIONS_DIR, importDeclaration } from "../core/load-pipeline.js";
import { PIPELINE_NAME } from "../core/naming.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { generatedPipelines } from "./generated.js";
import { validatePipelines } from "./validate.js";

export { PipelineError, pipelineProblems, validatePipelines } from "./validate.js";

/**
 * Loads every declaration in `src/pipelines/definitions/` (`dir` lists them), each as the handlers load one
 * (importDeclaration, src/core/load-pipeline.ts: the file is named after its pipeline), then validates them all,
 * the transform's SQL included. Adding a dataset is adding one file there: the directory is read at synth time, and
 * esbuild bundles every file the template below can match. `extra` generated pipelines are appended for `make bench`
 * only (EVENT_LAKE_BENCH_EXTRA_PIPELINES, unset: none).
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
    if (!PIPELINE_NAME.test(name))
      throw new Error(
        `${dir}/${file}: "${name}" is not a pipeline name: name the file after its pipeline (lower-case snake_case, 2-41 characters)`,
      );
    const declaration = await importDeclaration(name, (n) => import(`./definitions/${n}.ts`));
    // Listed, yet not found: read from a folder other than definitions/, or a module it imports is missing.
    if (declaration === undefined)
      throw new Error(`${DEFINITIONS_DIR}/${file} (listed in ${dir}) or a module it imports was not found`);
    declarations.push(declaration);
  }
  return validatePipelines([...declarations, ...generatedPipelines(extra)]);
}
