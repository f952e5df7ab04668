/**
 * `node --import tsx src/cli/curated-redo.ts ENV PIPELINE (DATE… | --from D --to D) [--no-crawl]`
 * (`make curated/redo`): record curated dates for a new transform, from the applied stack's outputs
 * (src/curated/redo.ts). ENV=local talks to the running moto; the others use ENV's Terraform credentials.
 */
import { userInfo } from "node:os";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { loadConfig } from "../config/index.js";
import { curatedRedoCommand } from "../curated/redo.js";
import { loadPipelines } from "../pipelines/index.js";
import { readStackOutputs } from "../terraform/outputs.js";
import { TerraformError } from "../terraform/run.js";
import { clientConfigFor } from "./aws-clients.js";

try {
  process.exitCode = await curatedRedoCommand(process.argv.slice(2), {
    config: () => loadConfig(),
    pipelines: () => loadPipelines(),
    readOutputs: (name) => readStackOutputs(name),
    clients: (env) => {
      const c = clientConfigFor(env);
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
