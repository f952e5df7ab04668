import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { type RunOptions, runTerraform, terraformEnv } from "../terraform/run.js";
import { synthApp } from "./synth.js";

export interface LocalStack {
  /** The synth's output folder (the caller removes it when done). */
  readonly outdir: string;
  /** The synthesized `local` stack's folder, where terraform runs. */
  readonly stackDir: string;
  /** The CLI config terraform runs with (`<stateDir>/terraform.rc`). */
  readonly cliConfig: string;
  /** How to run terraform in that folder (init, apply, output, show). */
  readonly options: RunOptions;
}

/**
 * The real `local` stack synthesized for the moto at `endpoint`, its state under `stateDir`, with the terraform
 * options to run it: the lake tests' global setup, bench/load.ts and bench/terraform.ts start from this.
 */
export async function synthLocalStack(stateDir: string, endpoint: string): Promise<LocalStack> {
  const { outdir } = await synthApp({
    environments: ["local"],
    env: { EVENT_LAKE_LOCAL_ENDPOINT: endpoint, EVENT_LAKE_LOCAL_STATE_DIR: stateDir },
  });
  const cliConfig = join(stateDir, "terraform.rc");
  writeFileSync(cliConfig, renderCliConfig(chooseMirror(process.env)));
  const stackDir = join(outdir, "stacks", "local");
  return {
    outdir,
    stackDir,
    cliConfig,
    options: { cwd: stackDir, env: terraformEnv(cliConfig), timeoutMs: 600_000 },
  };
}

/** `synthLocalStack`, then terraform init and apply. */
export async function applyLocalStack(stateDir: string, endpoint: string): Promise<LocalStack> {
  const stack = await synthLocalStack(stateDir, endpoint);
  await runTerraform(["init", "-input=false", "-no-color"], stack.options);
  await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], stack.options);
  return stack;
}
