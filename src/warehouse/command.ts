import type { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import {
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  type LakeConfig,
} from "../config/index.js";
import { environmentAndOutputs, stringOutput, type TerraformOutputs } from "../terraform/outputs.js";
import { runSchemaSql, SchemaRunError, type WarehouseTarget } from "./schema-runner.js";

/**
 * `make warehouse/schema ENV=…`: the external-schema SQL the applied stack outputs, run on its warehouse through the
 * Data API as the admin user. The SQL is idempotent by construction (every CREATE says IF NOT EXISTS, a test keeps
 * it so), so running it again changes nothing and only prints the check.
 */

type Print = (line: string) => void;

export type { TerraformOutputs };

/** The stack outputs the runner reads (src/stacks/warehouse.ts). */
export const SCHEMA_OUTPUTS = {
  sql: "redshift_external_schema_sql",
  database: "redshift_database_name",
  secretArn: "redshift_admin_secret_arn",
  workgroup: "redshift_workgroup_name",
  cluster: "redshift_cluster_identifier",
} as const;

export interface SchemaInputs {
  readonly target: WarehouseTarget;
  readonly database: string;
  readonly secretArn: string;
  readonly sql: string;
}

export const WAREHOUSE_SCHEMA_USAGE =
  "usage: node --import tsx src/cli/warehouse-schema.ts ENV [--timeout SECONDS]\n" +
  `  ENV one of ${ENVIRONMENT_NAMES.join(", ")}; --timeout bounds each statement (default 300). Exit 0: done;` +
  " 1: no warehouse, or a statement failed; 2: usage, config or Terraform.";

export const LOCAL_HAS_NO_WAREHOUSE =
  "ENV=local has no warehouse: moto has no Redshift Serverless (and its provisioned cluster lacks what the provider's waiter needs), so the local stack leaves Redshift out; see docs/local-gaps.md.";

/** What to do when the statements could not read the admin secret. */
export const SECRET_ACCESS_HINT =
  "The statements run as the warehouse's admin user, whose secret the warehouse's own KMS key encrypts: the role you run as needs secretsmanager:GetSecretValue on the secret (the key lets the account decrypt through Secrets Manager, so IAM decides), and redshift-data:ExecuteStatement, DescribeStatement, GetStatementResult and CancelStatement.";

/** The runner's inputs from the applied stack's outputs, or the one sentence that says why there are none. */
export function schemaInputs(env: EnvironmentConfig, outputs: TerraformOutputs): SchemaInputs | string {
  const value = (name: string) => stringOutput(outputs, name);
  const sql = value(SCHEMA_OUTPUTS.sql);
  const database = value(SCHEMA_OUTPUTS.database);
  const secretArn = value(SCHEMA_OUTPUTS.secretArn);
  const workgroupName = value(SCHEMA_OUTPUTS.workgroup);
  const clusterIdentifier = value(SCHEMA_OUTPUTS.cluster);
  const n = env.name;
  const applyFirst = `apply the current stack first (make tf/plan ENV=${n}, then make tf/apply ENV=${n})`;
  if ([sql, database, secretArn, workgroupName, clusterIdentifier].every((v) => v === undefined)) {
    if (Object.keys(outputs).length === 0) return `ENV=${n} has no Terraform outputs: ${applyFirst}.`;
    if (env.features.redshift === "off")
      return `ENV=${n} has no warehouse: features.redshift is "off" in its config, so there is no Redshift to create the external schema in.`;
    return `ENV=${n}'s applied stack has no warehouse although features.redshift is "${env.features.redshift}": ${applyFirst}.`;
  }
  if (workgroupName !== undefined && clusterIdentifier !== undefined)
    return `ENV=${n}'s outputs name both a workgroup (${workgroupName}) and a cluster (${clusterIdentifier}): ${applyFirst}.`;
  const missing = [
    sql === undefined ? SCHEMA_OUTPUTS.sql : undefined,
    database === undefined ? SCHEMA_OUTPUTS.database : undefined,
    secretArn === undefined ? SCHEMA_OUTPUTS.secretArn : undefined,
    workgroupName === undefined && clusterIdentifier === undefined
      ? `${SCHEMA_OUTPUTS.workgroup} or ${SCHEMA_OUTPUTS.cluster}`
      : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0 || sql === undefined || database === undefined || secretArn === undefined)
    return `ENV=${n}'s applied stack lacks the output${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: ${applyFirst}.`;
  const target: WarehouseTarget =
    workgroupName !== undefined ? { workgroupName } : { clusterIdentifier: clusterIdentifier as string };
  return { target, database, secretArn, sql };
}

export interface WarehouseSchemaDeps {
  readonly config: () => LakeConfig;
  /** `terraform output -json` of the environment's stack. */
  readonly readOutputs: (env: EnvironmentName) => Promise<TerraformOutputs>;
  readonly client: (env: EnvironmentConfig) => RedshiftDataClient;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  readonly print: Print;
  readonly printError: Print;
}

/** Exit 0: every statement finished; 1: no warehouse in this stack, or a statement failed; 2: usage, config, Terraform. */
export async function warehouseSchemaCommand(
  argv: readonly string[],
  deps: WarehouseSchemaDeps,
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    deps.printError(args);
    return 2;
  }
  const found = await environmentAndOutputs(args.env, deps, (env) =>
    env.endpoint !== undefined ? LOCAL_HAS_NO_WAREHOUSE : undefined,
  );
  if ("exit" in found) return found.exit;
  const { env, outputs } = found;
  const inputs = schemaInputs(env, outputs);
  if (typeof inputs === "string") {
    deps.printError(inputs);
    return 1;
  }
  const where =
    "workgroupName" in inputs.target
      ? `workgroup ${inputs.target.workgroupName}`
      : `cluster ${inputs.target.clusterIdentifier}`;
  deps.print(
    `ENV=${env.name}: the external-schema SQL on ${where}, database ${inputs.database}, as the admin user (idempotent: every CREATE says IF NOT EXISTS)`,
  );
  try {
    await runSchemaSql({
      client: deps.client(env),
      ...inputs,
      sleep: deps.sleep,
      log: deps.print,
      ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
  } catch (error) {
    if (!(error instanceof SchemaRunError)) throw error;
    deps.printError(error.message);
    if (/secret|kms|decrypt|access ?denied|not authorized/i.test(error.message))
      deps.printError(SECRET_ACCESS_HINT);
    return 1;
  }
  deps.print(
    `done: ENV=${env.name}'s warehouse has the curated external schema over the curated Glue database`,
  );
  return 0;
}

function parseArgs(argv: readonly string[]): { env: EnvironmentName; timeoutMs?: number } | string {
  const positional: string[] = [];
  let timeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--timeout") {
      const seconds = Number(argv[++i]);
      if (!(Number.isFinite(seconds) && seconds > 0))
        return `--timeout takes a positive number of seconds, got "${argv[i] ?? ""}"\n${WAREHOUSE_SCHEMA_USAGE}`;
      timeoutMs = seconds * 1000;
    } else if (arg.startsWith("--")) return `unknown option ${arg}\n${WAREHOUSE_SCHEMA_USAGE}`;
    else positional.push(arg);
  }
  const name = positional[0];
  if (positional.length !== 1 || !ENVIRONMENT_NAMES.includes(name as EnvironmentName))
    return WAREHOUSE_SCHEMA_USAGE;
  return { env: name as EnvironmentName, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}
