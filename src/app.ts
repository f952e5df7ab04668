import { resolve } from "node:path";
import { App } from "cdktf";
import { ENVIRONMENT_NAMES, type EnvironmentName, type LakeConfig } from "./config/types.js";
import type { PipelineDeclaration } from "./core/pipeline.js";
import { BootstrapStack } from "./stacks/bootstrap-stack.js";
import { LakeStack } from "./stacks/lake-stack.js";

/** Stack names are Terraform working-directory names and state keys: part of the public API. */
export const BOOTSTRAP_STACK = "bootstrap";
export function stackName(env: EnvironmentName): string {
  return env;
}

export interface BuildAppOptions {
  readonly config: LakeConfig;
  /** Validated declarations, from `loadPipelines()`. */
  readonly pipelines: readonly PipelineDeclaration[];
  readonly outdir?: string;
  /** Only these environments. @default all of them */
  readonly environments?: readonly EnvironmentName[];
  /** Where the bootstrap stack keeps its local state. @default .eventlake/bootstrap */
  readonly bootstrapStateDir?: string;
}

/** One stack per environment, plus the bootstrap stack for the shared state bucket. */
export function buildApp(options: BuildAppOptions): App {
  // No outdir given: cdktf uses CDKTF_OUTDIR (as the cdktf CLI sets it) or cdktf.out.
  // No stack traces in the metadata: capturing one per construct and token costs synth time and nobody reads them.
  const app = new App({ outdir: options.outdir, skipValidation: false, stackTraces: false });
  for (const name of options.environments ?? ENVIRONMENT_NAMES)
    new LakeStack(app, stackName(name), {
      lake: options.config,
      env: options.config.environments[name],
      pipelines: options.pipelines,
    });
  new BootstrapStack(app, BOOTSTRAP_STACK, {
    lake: options.config,
    stateDir: options.bootstrapStateDir ?? resolve(".eventlake/bootstrap"),
  });
  return app;
}
