import { buildApp } from "./src/app.js";
import { ConfigError, loadConfig } from "./src/config/index.js";
import { loadPipelines, PipelineError } from "./src/pipelines/index.js";

/** Reads the config and the pipeline declarations, builds one stack per environment, synthesizes. */
async function main(): Promise<void> {
  const config = loadConfig();
  const pipelines = await loadPipelines();
  buildApp({ config, pipelines }).synth();
}

main().catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof PipelineError)) throw error;
  console.error(error.message);
  process.exit(2);
});
