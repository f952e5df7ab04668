import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  ConfigError,
  type EnvironmentConfig,
  type EnvironmentName,
  type LakeConfig,
} from "../config/index.js";
import { runTerraform, TerraformError, terraformEnv, writeCliConfig } from "./run.js";

/** `terraform output -json`: each output's value under `value`. */
export type TerraformOutputs = Readonly<Record<string, { readonly value?: unknown }>>;

/** The outputs of an environment's applied stack, read from its initialized folder in cdktf.out/stacks/. */
export async function readStackOutputs(name: string, outDir = "cdktf.out/stacks"): Promise<TerraformOutputs> {
  const cwd = resolve(outDir, name);
  if (!existsSync(join(cwd, ".terraform")))
    throw new TerraformError(`${cwd} is not initialized: run \`make tf/init ENV=${name}\` first`);
  const { stdout } = await runTerraform(["output", "-json", "-no-color"], {
    cwd,
    env: terraformEnv(writeCliConfig().path),
    timeoutMs: 120_000,
  });
  return JSON.parse(stdout) as TerraformOutputs;
}

/** A non-empty string output, or undefined. */
export function stringOutput(outputs: TerraformOutputs, name: string): string | undefined {
  const v = outputs[name]?.value;
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The first steps of a command on an applied environment: its configuration, then its stack's outputs. On a
 * configuration or Terraform error, prints it and answers undefined (the command exits 2).
 */
export async function environmentAndOutputs(
  name: EnvironmentName,
  deps: {
    readonly config: () => LakeConfig;
    readonly readOutputs: (env: EnvironmentName) => Promise<TerraformOutputs>;
    readonly printError: (line: string) => void;
  },
  /** Between the two steps: a message stops the command there (exit 1). */
  check?: (env: EnvironmentConfig) => string | undefined,
): Promise<{ env: EnvironmentConfig; outputs: TerraformOutputs } | { exit: 1 | 2 }> {
  let env: EnvironmentConfig;
  try {
    env = deps.config().environments[name];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.printError(error.message);
    return { exit: 2 };
  }
  const stop = check?.(env);
  if (stop !== undefined) {
    deps.printError(stop);
    return { exit: 1 };
  }
  try {
    return { env, outputs: await deps.readOutputs(env.name) };
  } catch (error) {
    if (!(error instanceof TerraformError)) throw error;
    deps.printError(error.message);
    return { exit: 2 };
  }
}
