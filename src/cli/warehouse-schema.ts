/**
 * `node --import tsx src/cli/warehouse-schema.ts ENV [--timeout SECONDS]` (`make warehouse/schema`): the warehouse's
 * external-schema SQL, from the applied stack's outputs, run through the Redshift Data API (src/warehouse/command.ts).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { type EnvironmentConfig, loadConfig } from "../config/index.js";
import { runTerraform, TerraformError, terraformEnv, writeCliConfig } from "../terraform/run.js";
import { type TerraformOutputs, warehouseSchemaCommand } from "../warehouse/command.js";

/** The credentials Terraform's provider uses for this environment: its profile, then its role if it has one. */
function redshiftDataClient(env: EnvironmentConfig): RedshiftDataClient {
  const source = fromNodeProviderChain(env.auth.profile ? { profile: env.auth.profile } : {});
  const credentials = env.auth.roleArn
    ? fromTemporaryCredentials({
        masterCredentials: source,
        params: { RoleArn: env.auth.roleArn, RoleSessionName: env.auth.sessionName },
        clientConfig: { region: env.region },
      })
    : source;
  return new RedshiftDataClient({ region: env.region, credentials });
}

async function readOutputs(name: string): Promise<TerraformOutputs> {
  const cwd = resolve("cdktf.out/stacks", name);
  if (!existsSync(join(cwd, ".terraform")))
    throw new TerraformError(`${cwd} is not initialized: run \`make tf/init ENV=${name}\` first`);
  const { stdout } = await runTerraform(["output", "-json", "-no-color"], {
    cwd,
    env: terraformEnv(writeCliConfig().path),
    timeoutMs: 120_000,
  });
  return JSON.parse(stdout) as TerraformOutputs;
}

process.exitCode = await warehouseSchemaCommand(process.argv.slice(2), {
  config: () => loadConfig(),
  readOutputs,
  client: redshiftDataClient,
  sleep: (ms) => sleep(ms),
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
});
