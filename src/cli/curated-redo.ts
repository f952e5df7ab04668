/**
 * `node --import tsx src/cli/curated-redo.ts ENV PIPELINE (DATE… | --from D --to D) [--no-crawl]`
 * (`make curated/redo`): record curated dates for a new transform, from the applied stack's outputs
 * (src/curated/redo.ts). ENV=local talks to the running moto; the others use ENV's Terraform credentials.
 */
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { type EnvironmentConfig, loadConfig } from "../config/index.js";
import { curatedRedoCommand, type TerraformOutputs } from "../curated/redo.js";
import { readMoto } from "../local/moto.js";
import { loadPipelines } from "../pipelines/index.js";
import { runTerraform, TerraformError, terraformEnv, writeCliConfig } from "../terraform/run.js";

function clientConfig(env: EnvironmentConfig) {
  if (env.endpoint !== undefined) {
    const moto = readMoto(env.stateDir ?? ".eventlake/local");
    if (!moto) throw new TerraformError("ENV=local needs moto running: run `make local` first");
    return {
      endpoint: moto.endpoint,
      region: env.region,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    };
  }
  const source = fromNodeProviderChain(env.auth.profile ? { profile: env.auth.profile } : {});
  const credentials = env.auth.roleArn
    ? fromTemporaryCredentials({
        masterCredentials: source,
        params: { RoleArn: env.auth.roleArn, RoleSessionName: env.auth.sessionName },
        clientConfig: { region: env.region },
      })
    : source;
  return { region: env.region, credentials };
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

try {
  process.exitCode = await curatedRedoCommand(process.argv.slice(2), {
    config: () => loadConfig(),
    pipelines: () => loadPipelines(),
    readOutputs,
    clients: (env) => {
      const c = clientConfig(env);
      return { dynamo: new DynamoDBClient(c), glue: new GlueClient(c) };
    },
    clock: () => new Date(),
    user: userInfo().username,
    print: (line) => console.log(line),
    printError: (line) => console.error(line),
  });
} catch (error) {
  if (!(error instanceof TerraformError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
