import { buildApp } from "./src/app.js";
import { ConfigError, ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from "./src/config/index.js";
import { loadPipelines, PipelineError } from "./src/pipelines/index.js";

/**
 * Reads the config and the pipeline declarations, builds one stack per environment, synthesizes. `--only ENV`
 * synthesizes that environment's stack alone (make local: about a quarter of the work); the others stay as they were.
 */
async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfig();
  const pipelines = await loadPipelines();
  const only = argv.indexOf("--only") < 0 ? undefined : argv[argv.indexOf("--only") + 1];
  if (only !== undefined && !ENVIRONMENT_NAMES.includes(only as EnvironmentName))
    throw new ConfigError("--only", [`--only takes one of ${ENVIRONMENT_NAMES.join(", ")}, got "${only}"`]);
  buildApp({ config, pipelines, ...(only ? { environments: [only as EnvironmentName] } : {}) }).synth();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof PipelineError)) throw error;
  console.error(error.message);
  process.exit(2);
});
