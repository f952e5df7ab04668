import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import {
  CreateTableCommand as CreateDynamoTable,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateCrawlerCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetCrawlerCommand,
  GlueClient,
  UpdateTableCommand,
} from "@aws-sdk/client-glue";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curatedStateMachineDefinition } from "../../modules/curated-stage/definition.js";
import { type MotoServer, startMoto, stopMoto } from "../../src/local/moto.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { declaredTables } from "../../src/sql/layout.js";
import { insertFormatTemplate } from "../../src/sql/statements.js";
import { motoClientConfig } from "../../src/testing/moto.js";
import type { OrchestratorConfig } from "./config.js";
import { type Deps, handleCrawlerEvent } from "./orchestrator.js";
import { parseCrawlerEvent } from "./schema.js";

// Each crawler state change (fixtures/*.json, shaped as EventBridge delivers them) against moto: the next action
// really happens there (a crawler starts, an execution starts, an alert is published, the ledger is written).

const fixture = (name: string, id?: string) => {
  const event = JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8")) as {
    id: string;
  };
  return parseCrawlerEvent(JSON.stringify(id ? { ...event, id } : event));
};
const dir = mkdtempSync(join(tmpdir(), "orchestrator-moto-"));
let moto: MotoServer;
let deps: Deps;
let config: OrchestratorConfig & { pipelines: string[] };
let alertsQueue: string;
const NOW = new Date("2026-11-22T05:00:00Z");
/** What handlers/build.ts bakes into the bundle, computed the same way. */
const tables = declaredTables([orders, clickstream]);
const declaredColumns = async (zone: "raw" | "curated", pipeline: string) => tables[pipeline]?.[zone];

async function alertsReceived(sqs: SQSClient): Promise<string[]> {
  const got = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: alertsQueue, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (got.Messages ?? []).map((m) => (JSON.parse(m.Body ?? "{}") as { Subject: string }).Subject);
}

beforeAll(async () => {
  moto = await startMoto({ dir: join(dir, "moto") });
  const c = motoClientConfig(moto.endpoint);
  const glue = new GlueClient(c);
  const s3 = new S3Client(c);
  const dynamo = new DynamoDBClient(c);
  const sns = new SNSClient(c);
  const sqs = new SQSClient(c);
  const sfn = new SFNClient(c);
  const crawlers = {
    drop: "event-lake-local-crawl-drop",
    raw: "event-lake-local-crawl-raw",
    curated: "event-lake-local-crawl-curated",
  };
  const databases = { drop: "lake_drop", raw: "lake_raw", curated: "lake_curated" };
  for (const db of Object.values(databases))
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db } }));
  for (const zone of ["raw", "curated"] as const)
    for (const pipeline of ["orders", "clickstream"]) {
      const columns = (await declaredColumns(zone, pipeline)) ?? [];
      const keys = 2; // ingest_date and the one declared key of each shipped pipeline
      await glue.send(
        new CreateTableCommand({
          DatabaseName: databases[zone],
          TableInput: {
            Name: pipeline,
            StorageDescriptor: {
              Columns: columns.slice(0, -keys).map((x) => ({ Name: x.name, Type: x.type })),
            },
            PartitionKeys: columns.slice(-keys).map((x) => ({ Name: x.name, Type: x.type })),
          },
        }),
      );
    }
  for (const [zone, name] of Object.entries(crawlers))
    await glue.send(
      new CreateCrawlerCommand({
        Name: name,
        Role: "arn:aws:iam::123456789012:role/crawler",
        DatabaseName: databases[zone as "raw"],
        Targets: { S3Targets: [{ Path: `s3://x/${zone}/` }] },
      }),
    );
  await s3.send(new CreateBucketCommand({ Bucket: "raw" }));
  await s3.send(new CreateBucketCommand({ Bucket: "curated" }));
  for (const date of ["2026-11-20", "2026-11-21", "2026-11-22"])
    await s3.send(
      new PutObjectCommand({
        Bucket: "raw",
        Key: `orders/ingest_date=${date}/country=DE/x_0.parquet`,
        Body: "x",
      }),
    );
  await dynamo.send(
    new CreateDynamoTable({
      TableName: "runs",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const topic = await sns.send(new CreateTopicCommand({ Name: "alerts" }));
  alertsQueue = (await sqs.send(new CreateQueueCommand({ QueueName: "alerts-inbox" }))).QueueUrl ?? "";
  const inboxArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: alertsQueue, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: inboxArn }));
  const t = insertFormatTemplate(orders, {
    raw: { database: "lake_raw", table: "orders" },
    curated: { database: "lake_curated", table: "orders" },
  });
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: "curated-orders",
      roleArn: "arn:aws:iam::123456789012:role/sfn",
      definition: JSON.stringify(
        curatedStateMachineDefinition({
          pipeline: "orders",
          queryTemplate: t.template,
          dateArguments: t.dateArguments,
          workgroup: "lake",
          database: "lake_curated",
          curatedCrawler: crawlers.curated,
          ledgerTable: "runs",
          alertsTopicArn: topic.TopicArn ?? "",
        }),
      ),
    }),
  );
  config = {
    crawlers,
    databases,
    rawBucket: "raw",
    curatedBucket: "curated",
    ledgerTable: "runs",
    alertsTopicArn: topic.TopicArn ?? "",
    transforms: { orders: { kind: "state-machine", arn: machine.stateMachineArn ?? "" } },
    maxDatesPerRun: 31,
    staleClaimSeconds: 21_600,
    pipelines: ["clickstream", "orders"],
  };
  deps = {
    glue,
    sfn,
    sns,
    dynamo,
    s3,
    logger: new Logger({ logLevel: "ERROR" }),
    clock: () => NOW,
    declaredColumns,
  };
}, 60_000);

afterAll(async () => {
  await stopMoto(join(dir, "moto"));
});

describe("orchestrator against moto", () => {
  it("drop Succeeded: starts the raw crawler and records the event once", async () => {
    const event = fixture("drop-succeeded");
    expect(await handleCrawlerEvent(event, config, deps)).toEqual([
      { kind: "crawler-started", crawler: config.crawlers.raw, alreadyRunning: false },
    ]);
    const { Crawler } = await (deps.glue as GlueClient).send(
      new GetCrawlerCommand({ Name: config.crawlers.raw }),
    );
    expect(Crawler?.State).toBe("RUNNING");
    const item = await (deps.dynamo as DynamoDBClient).send(
      new GetItemCommand({ TableName: "runs", Key: { pk: { S: `event#${event.id}` } } }),
    );
    expect([item.Item?.stage?.S, item.Item?.state?.S]).toEqual(["crawl-drop", "Succeeded"]);
    // The same event again: skipped. Another drop crawl while raw still runs: fine, it picks the events up.
    expect(await handleCrawlerEvent(event, config, deps)).toEqual([{ kind: "duplicate" }]);
    expect(await handleCrawlerEvent(fixture("drop-succeeded", "second-drop"), config, deps)).toEqual([
      { kind: "crawler-started", crawler: config.crawlers.raw, alreadyRunning: true },
    ]);
  });

  it("raw Succeeded: claims the complete ingest dates and starts the curated state machine with them", async () => {
    const actions = await handleCrawlerEvent(fixture("raw-succeeded"), config, deps);
    expect(actions).toEqual([
      { kind: "ignored", reason: "clickstream has no transform here (local: the runner walks the ASL)" },
      {
        kind: "transform-started",
        pipeline: "orders",
        runId: expect.stringMatching(/^orders-[0-9a-f]{16}$/),
        ingestDates: ["2026-11-20", "2026-11-21"],
      },
    ]);
    const sfn = deps.sfn as SFNClient;
    const executions = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: (config.transforms.orders as { arn: string }).arn }),
    );
    expect(executions.executions?.length).toBe(1);
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: executions.executions?.[0]?.executionArn }),
    );
    expect(JSON.parse(execution.input ?? "{}")).toMatchObject({
      pipeline: "orders",
      ingestDates: ["2026-11-20", "2026-11-21"],
    });
    const claim = await (deps.dynamo as DynamoDBClient).send(
      new GetItemCommand({ TableName: "runs", Key: { pk: { S: "transform#orders#2026-11-21" } } }),
    );
    expect(claim.Item?.status?.S).toBe("started");
    // A later raw crawl finds every complete date claimed: nothing starts twice.
    expect((await handleCrawlerEvent(fixture("raw-succeeded", "later-raw"), config, deps))[1]).toEqual({
      kind: "ignored",
      reason: "orders: no complete ingest date left to transform",
    });
  });

  it("curated Succeeded: the chain is done", async () => {
    expect(await handleCrawlerEvent(fixture("curated-succeeded"), config, deps)).toEqual([
      { kind: "chain-done", zone: "curated" },
    ]);
  });

  it("raw changed under a transformed date: claims it again and deletes its curated files before the run", async () => {
    // prepare: 2026-11-20 finished, then a corrected file changed its raw input; 2026-11-21 finished and its raw
    // changed before its claim; 2026-11-19 changed while its run is still going
    const dynamo = deps.dynamo as DynamoDBClient;
    const s3 = deps.s3 as S3Client;
    const item = (date: string, status: string, claimedAt: string, rawChangedAt: string) =>
      dynamo.send(
        new PutItemCommand({
          TableName: "runs",
          Item: {
            pk: { S: `transform#orders#${date}` },
            status: { S: status },
            run_id: { S: "orders-earlier" },
            claimed_at: { S: claimedAt },
            raw_changed_at: { S: rawChangedAt },
            raw_changed_by: { S: "s3://drop/orders/x.csv#v=2" },
          },
        }),
      );
    await item("2026-11-20", "succeeded", "2026-11-21T01:00:00.000Z", "2026-11-22T04:00:00.000Z");
    await item("2026-11-21", "succeeded", "2026-11-22T01:00:00.000Z", "2026-11-22T00:30:00.000Z");
    await item("2026-11-19", "started", "2026-11-22T04:30:00.000Z", "2026-11-22T04:40:00.000Z");
    await s3.send(
      new PutObjectCommand({
        Bucket: "raw",
        Key: "orders/ingest_date=2026-11-19/country=DE/y_0.parquet",
        Body: "y",
      }),
    );
    const curated = [
      "orders/ingest_date=2026-11-20/country=DE/q1_0.parquet",
      "orders/ingest_date=2026-11-20/country=FR/q1_1.parquet",
      "orders/ingest_date=2026-11-21/country=DE/q2_0.parquet",
      "orders/ingest_date=2026-11-19/country=DE/q3_0.parquet",
      "orders/ingest_date=2026-11-2/not-a-date-of-ours.parquet",
    ];
    for (const key of curated)
      await s3.send(new PutObjectCommand({ Bucket: "curated", Key: key, Body: "q" }));

    // act
    const actions = await handleCrawlerEvent(fixture("raw-succeeded", "raw-after-correction"), config, deps);

    // assess: only 2026-11-20 runs again, its curated files gone first; the others are untouched
    expect(actions[1]).toEqual({
      kind: "transform-started",
      pipeline: "orders",
      runId: expect.stringMatching(/^orders-[0-9a-f]{16}$/),
      ingestDates: ["2026-11-20"],
    });
    const left = await s3.send(new ListObjectsV2Command({ Bucket: "curated", Prefix: "orders/" }));
    expect((left.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      "orders/ingest_date=2026-11-19/country=DE/q3_0.parquet",
      "orders/ingest_date=2026-11-2/not-a-date-of-ours.parquet",
      "orders/ingest_date=2026-11-21/country=DE/q2_0.parquet",
    ]);
    const claim = await dynamo.send(
      new GetItemCommand({ TableName: "runs", Key: { pk: { S: "transform#orders#2026-11-20" } } }),
    );
    expect(claim.Item).toEqual({
      pk: { S: "transform#orders#2026-11-20" },
      status: { S: "started" },
      run_id: { S: (actions[1] as { runId: string }).runId },
      claimed_at: { S: NOW.toISOString() },
    });
  });

  it.each(["drop", "raw", "curated"])("%s Failed: publishes an alert", async (zone) => {
    const sqs = new SQSClient(motoClientConfig(moto.endpoint));
    await alertsReceived(sqs);
    expect(await handleCrawlerEvent(fixture(`${zone}-failed`), config, deps)).toEqual([
      { kind: "alerted", subject: `event-lake: crawler event-lake-local-crawl-${zone} failed` },
    ]);
    expect(await alertsReceived(sqs)).toEqual([`event-lake: crawler event-lake-local-crawl-${zone} failed`]);
  });

  it("schema drift in a declared table: alerts and stops the chain", async () => {
    const glue = deps.glue as GlueClient;
    const columns = (await declaredColumns("raw", "orders")) ?? [];
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: "lake_raw",
        TableInput: {
          Name: "orders",
          StorageDescriptor: {
            Columns: [...columns.slice(0, -2), { name: "coupon", type: "string" }].map((x) => ({
              Name: x.name,
              Type: x.type,
            })),
          },
          PartitionKeys: columns.slice(-2).map((x) => ({ Name: x.name, Type: x.type })),
        },
      }),
    );
    expect(await handleCrawlerEvent(fixture("raw-succeeded", "drifted-raw"), config, deps)).toEqual([
      { kind: "alerted", subject: "event-lake: schema drift in raw" },
    ]);
  });
});
