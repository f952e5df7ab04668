import { type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { markDatesRawChanged, type RawChange } from "../../src/core/run-ledger.js";

/**
 * The analytics run ledger as the handlers write it: its keys and decisions are in src/core/run-ledger.ts (shared
 * with the local runner and `make curated/redo`); this sends them through the handlers' DynamoDB client.
 */

/**
 * Records that the raw input of these dates changed at `change.at`, on each date's item that exists. Returns the
 * dates whose item was there: the curated dates the next raw crawl transforms again, if their run had already started.
 */
export function markRawChanged(
  dynamo: Pick<DynamoDBClient, "send">,
  table: string,
  change: RawChange,
): Promise<string[]> {
  return markDatesRawChanged((input) => dynamo.send(new UpdateItemCommand(input)), table, change);
}
