import { createHash } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CrawlerRunningException,
  GetTableCommand,
  type GetTableCommandOutput,
  type GlueClient,
  StartCrawlerCommand,
  StartJobRunCommand,
} from "@aws-sdk/client-glue";
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { transformKey } from "../../src/core/run-ledger.js";
import { partitionPrefix } from "../../src/core/zone-keys.js";
import type { OrchestratorConfig, Zone } from "./config.js";
import type { CrawlerStateChange } from "./schema.js";

/**
 * The crawler chain's decisions, free of Lambda: one crawler state change in, the next step out.
 *   drop crawled  -> start the raw crawler
 *   raw crawled   -> per pipeline, claim the complete ingest dates not yet transformed (or whose raw input changed
 *                    since: src/core/run-ledger.ts), delete their curated files, and start its transform
 *   curated crawled -> the run is done
 *   any Failed    -> alert
 *   drift (the crawler changed tables, or a declared table no longer matches its declaration) -> alert, stop
 * Every event is recorded in the run ledger once; a redelivered event that was recorded is skipped.
 */

export interface Deps {
  readonly glue: Pick<GlueClient, "send">;
  readonly sfn: Pick<SFNClient, "send">;
  readonly sns: Pick<SNSClient, "send">;
  readonly dynamo: Pick<DynamoDBClient, "send">;
  readonly s3: Pick<S3Client, "send">;
  readonly logger: Pick<Logger, "info" | "warn">;
  readonly clock: () => Date;
  /** The declared columns (data then partition keys, Glue types) of a pipeline's table, from the bundled declarations. */
  readonly declaredColumns: (
    zone: "raw" | "curated",
    pipeline: string,
  ) => Promise<readonly { name: string; type: string }[] | undefined>;
}

export type Action =
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "duplicate" }
  | { readonly kind: "crawler-started"; readonly crawler: string; readonly alreadyRunning: boolean }
  | {
      readonly kind: "transform-started";
      readonly pipeline: string;
      readonly runId: string;
      readonly ingestDates: readonly string[];
    }
  | { readonly kind: "alerted"; readonly subject: string }
  | { readonly kind: "chain-done"; readonly zone: Zone };

export const eventKey = (event: CrawlerStateChange): string => `event#${event.id}`;

export async function handleCrawlerEvent(
  event: CrawlerStateChange,
  config: OrchestratorConfig & { readonly pipelines: readonly string[] },
  deps: Deps,
): Promise<Action[]> {
  const crawler = event.detail.crawlerName;
  const zone = (Object.keys(config.crawlers) as Zone[]).find((z) => config.crawlers[z] === crawler);
  if (zone === undefined) return [{ kind: "ignored", reason: `crawler ${crawler} is not in this chain` }];
  if (event.detail.state === "Started") return [{ kind: "ignored", reason: "Started: nothing to do" }];
  const seen = await deps.dynamo.send(
    new GetItemCommand({
      TableName: config.ledgerTable,
      Key: { pk: { S: eventKey(event) } },
      ConsistentRead: true,
    }),
  );
  if (seen.Item) return [{ kind: "duplicate" }];

  const actions: Action[] = [];
  if (event.detail.state === "Failed") {
    actions.push(
      await alert(
        config,
        deps,
        `event-lake: crawler ${crawler} failed`,
        `The ${zone} crawler ${crawler} failed: ${event.detail.errorMessage ?? event.detail.message ?? "no message"}`,
      ),
    );
  } else {
    const drift = await driftOf(zone, event, config, deps);
    if (drift.length > 0)
      actions.push(
        await alert(
          config,
          deps,
          `event-lake: schema drift in ${zone}`,
          `The ${zone} crawler ${crawler} reports schema drift; the chain stops here until it is resolved:\n- ${drift.join("\n- ")}`,
        ),
      );
    else if (zone === "drop") actions.push(await startCrawler(config.crawlers.raw, deps));
    else if (zone === "raw")
      for (const pipeline of config.pipelines)
        actions.push(...(await startTransform(pipeline, event, config, deps)));
    else actions.push({ kind: "chain-done", zone });
  }
  await record(event, zone, actions, config, deps);
  return actions;
}

async function startCrawler(name: string, deps: Deps): Promise<Action> {
  try {
    await deps.glue.send(new StartCrawlerCommand({ Name: name }));
    return { kind: "crawler-started", crawler: name, alreadyRunning: false };
  } catch (error) {
    // A running event-mode crawl reads the queue again next time: nothing is lost.
    if (error instanceof CrawlerRunningException || (error as Error).name === "CrawlerRunningException")
      return { kind: "crawler-started", crawler: name, alreadyRunning: true };
    throw error;
  }
}

async function alert(
  config: OrchestratorConfig,
  deps: Deps,
  subject: string,
  message: string,
): Promise<Action> {
  deps.logger.warn(subject, { message });
  await deps.sns.send(
    new PublishCommand({ TopicArn: config.alertsTopicArn, Subject: subject.slice(0, 99), Message: message }),
  );
  return { kind: "alerted", subject };
}

/** The crawler changed tables it must only log changes for, or a declared table differs from its declaration. */
async function driftOf(
  zone: Zone,
  event: CrawlerStateChange,
  config: OrchestratorConfig & { readonly pipelines: readonly string[] },
  deps: Deps,
): Promise<string[]> {
  const d = event.detail;
  const reasons: string[] = [];
  if (d.tablesUpdated > 0) reasons.push(`${d.tablesUpdated} table(s) updated by the crawler`);
  if (d.tablesDeleted > 0) reasons.push(`${d.tablesDeleted} table(s) deleted by the crawler`);
  if (zone === "drop") return reasons;
  if (d.tablesCreated > 0) reasons.push(`${d.tablesCreated} undeclared table(s) created`);
  for (const pipeline of config.pipelines) {
    const declared = await deps.declaredColumns(zone, pipeline);
    if (!declared) continue;
    let table: GetTableCommandOutput;
    try {
      table = await deps.glue.send(
        new GetTableCommand({ DatabaseName: config.databases[zone], Name: pipeline }),
      );
    } catch (error) {
      if ((error as Error).name !== "EntityNotFoundException") throw error;
      reasons.push(`${zone}.${pipeline}: the declared table is missing from the catalog`);
      continue;
    }
    const actual = [
      ...(table.Table?.StorageDescriptor?.Columns ?? []),
      ...(table.Table?.PartitionKeys ?? []),
    ].map((c) => ({
      name: c.Name ?? "",
      type: (c.Type ?? "").toLowerCase(),
    }));
    reasons.push(...columnDifferences(`${zone}.${pipeline}`, declared, actual));
  }
  return reasons;
}

export function columnDifferences(
  table: string,
  declared: readonly { name: string; type: string }[],
  actual: readonly { name: string; type: string }[],
): string[] {
  const out: string[] = [];
  const byName = new Map(actual.map((c) => [c.name, c.type]));
  for (const c of declared) {
    const type = byName.get(c.name);
    if (type === undefined) out.push(`${table}: column ${c.name} is missing`);
    else if (type !== c.type) out.push(`${table}: column ${c.name} is ${type}, declared ${c.type}`);
  }
  const names = new Set(declared.map((c) => c.name));
  for (const c of actual)
    if (!names.has(c.name)) out.push(`${table}: column ${c.name} (${c.type}) is not declared`);
  return out;
}

/** `YYYY-MM-DD` ingest dates under `<pipeline>/` in raw, from the `ingest_date=` folders. */
export async function rawIngestDates(
  bucket: string,
  pipeline: string,
  deps: Pick<Deps, "s3">,
): Promise<string[]> {
  const dates: string[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: `${pipeline}/ingest_date=`,
        Delimiter: "/",
        ContinuationToken: token,
      }),
    );
    for (const p of page.CommonPrefixes ?? []) {
      const match = /ingest_date=(\d{4}-\d{2}-\d{2})\/$/.exec(p.Prefix ?? "");
      if (match?.[1]) dates.push(match[1]);
    }
    token = page.NextContinuationToken;
  } while (token);
  return dates.sort();
}

async function startTransform(
  pipeline: string,
  event: CrawlerStateChange,
  config: OrchestratorConfig,
  deps: Deps,
): Promise<Action[]> {
  const target = config.transforms[pipeline];
  if (!target)
    return [
      { kind: "ignored", reason: `${pipeline} has no transform here (local: the runner walks the ASL)` },
    ];
  const runId = `${pipeline}-${createHash("sha256").update(event.id).digest("hex").slice(0, 16)}`;
  if (target.kind === "glue-job") {
    // Job bookmarks decide what is new; one run at a time (the job's max concurrent runs is 1).
    await deps.glue.send(new StartJobRunCommand({ JobName: target.name, Arguments: { "--run_id": runId } }));
    return [{ kind: "transform-started", pipeline, runId, ingestDates: [] }];
  }
  // Complete days only: today's partition still grows, and each date is inserted exactly once.
  const now = deps.clock();
  const today = now.toISOString().slice(0, 10);
  const candidates = (await rawIngestDates(config.rawBucket, pipeline, deps)).filter((d) => d < today);
  const claimed: string[] = [];
  for (const date of candidates) {
    if (claimed.length >= config.maxDatesPerRun) break;
    if (await claim(pipeline, date, runId, now, config, deps)) claimed.push(date);
  }
  if (claimed.length === 0)
    return [{ kind: "ignored", reason: `${pipeline}: no complete ingest date left to transform` }];
  // Each run replaces its dates: a date transformed again (its raw input changed, or a run died after writing part of
  // it) must not add its rows a second time; Athena's INSERT INTO only appends.
  await clearCuratedDates(config.curatedBucket, pipeline, claimed, deps);
  await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: target.arn,
      name: runId,
      input: JSON.stringify({ pipeline, runId, ingestDates: claimed }),
    }),
  );
  return [{ kind: "transform-started", pipeline, runId, ingestDates: claimed }];
}

/**
 * Deletes the curated files of these ingest dates (their `partitionPrefix`), before they are transformed. The local
 * runner does the same before it walks the curated stage (src/local/run.ts).
 */
async function clearCuratedDates(
  bucket: string,
  pipeline: string,
  dates: readonly string[],
  deps: Pick<Deps, "s3" | "logger">,
): Promise<void> {
  for (const date of dates) {
    const deleted = await deletePrefix(bucket, partitionPrefix(pipeline, date), deps);
    if (deleted > 0)
      deps.logger.info("curated date cleared before its transform", { pipeline, date, deleted });
  }
}

/** Deletes every object under `prefix` (a delete marker each, in a versioned zone); returns how many. */
async function deletePrefix(bucket: string, prefix: string, deps: Pick<Deps, "s3">): Promise<number> {
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key !== undefined ? [{ Key: o.Key }] : []));
    if (keys.length > 0) {
      const result = await deps.s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0)
        throw new Error(
          `could not delete ${failed.length} curated object(s) under s3://${bucket}/${prefix}: ${failed
            .slice(0, 3)
            .map((e) => `${e.Key}: ${e.Code}`)
            .join(", ")}`,
        );
      deleted += keys.length;
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return deleted;
}

/**
 * Claims one date for one run: new, started by a run that has not finished within the stale window, or transformed
 * by a run that started before the date's raw input last changed (`raw_changed_at`, written by drop-to-raw) and has
 * finished: a date is never claimed while a run of it is going.
 */
async function claim(
  pipeline: string,
  date: string,
  runId: string,
  now: Date,
  config: OrchestratorConfig,
  deps: Deps,
): Promise<boolean> {
  const stale = new Date(now.getTime() - config.staleClaimSeconds * 1000).toISOString();
  try {
    await deps.dynamo.send(
      new PutItemCommand({
        TableName: config.ledgerTable,
        Item: {
          pk: { S: transformKey(pipeline, date) },
          status: { S: "started" },
          run_id: { S: runId },
          claimed_at: { S: now.toISOString() },
        },
        ConditionExpression:
          "attribute_not_exists(pk) OR (#status = :started AND claimed_at < :stale) OR (#status = :succeeded AND raw_changed_at > claimed_at)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":started": { S: "started" },
          ":stale": { S: stale },
          ":succeeded": { S: "succeeded" },
        },
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error).name === "ConditionalCheckFailedException"
    )
      return false;
    throw error;
  }
}

async function record(
  event: CrawlerStateChange,
  zone: Zone,
  actions: readonly Action[],
  config: OrchestratorConfig,
  deps: Deps,
): Promise<void> {
  await deps.dynamo.send(
    new PutItemCommand({
      TableName: config.ledgerTable,
      Item: {
        pk: { S: eventKey(event) },
        stage: { S: `crawl-${zone}` },
        crawler: { S: event.detail.crawlerName },
        state: { S: event.detail.state },
        event_time: { S: event.time },
        recorded_at: { S: deps.clock().toISOString() },
        actions: { S: JSON.stringify(actions) },
      },
    }),
  );
}
