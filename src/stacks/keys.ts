import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Construct } from "constructs";
import { type AwsContext, logGroupKey } from "../../modules/aws-context/index.js";
import { ledgerTablesKey } from "../../modules/ledger-table/index.js";
import type { EnvironmentConfig } from "../config/types.js";
import { physicalName } from "../naming.js";

/**
 * One key for the log groups of the lake's functions and state machines (`/aws/lambda/<prefix>-*`,
 * `/aws/vendedlogs/states/<prefix>-*`), instead of one key each ($1 a month per key). Other log groups (flow
 * logs, Glue, Firehose errors, the notebook, the trail) keep the keys of their own constructs.
 */
export function buildLogsKey(scope: Construct, context: AwsContext, env: EnvironmentConfig): KmsKey {
  return logGroupKey(scope, "logs-key", {
    context,
    logGroupArns: [
      context.arn("logs", `log-group:/aws/lambda/${env.prefix}-*`),
      context.arn("logs", `log-group:/aws/vendedlogs/states/${env.prefix}-*`),
    ],
    description: `event-lake ${env.name}: logs of the lake's functions and state machines`,
    aliasName: `alias/${physicalName(env.prefix, ["logs"])}`,
  });
}

/** One key for the lake's DynamoDB tables (the ledgers): DynamoDB may use it for this account's tables only. */
export function buildTablesKey(scope: Construct, context: AwsContext, env: EnvironmentConfig): KmsKey {
  return ledgerTablesKey(scope, "tables-key", {
    context,
    description: `event-lake ${env.name}: the lake's DynamoDB tables`,
    aliasName: `alias/${physicalName(env.prefix, ["tables"])}`,
  });
}
