/**
 * `node --import tsx src/cli/warehouse-schema.ts ENV [--timeout SECONDS]` (`make warehouse/schema`): the warehouse's
 * external-schema SQL, from the applied stack's outputs, run through the Redshift Data API (src/warehouse/command.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { loadConfig } from "../config/index.js";
import { readStackOutputs } from "../terraform/outputs.js";
import { warehouseSchemaCommand } from "../warehouse/command.js";
import { clientConfigFor } from "./aws-clients.js";

process.exitCode = await warehouseSchemaCommand(process.argv.slice(2), {
  config: () => loadConfig(),
  readOutputs: (name) => readStackOutputs(name),
  // The credentials Terraform's provider uses for this environment: its profile, then its role if it has one.
  client: (env) => new RedshiftDataClient(clientConfigFor(env)),
  sleep: (ms) => sleep(ms),
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
});
