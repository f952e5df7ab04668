import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import { type MotoServer, startMoto, stopMoto } from "../../src/local/moto.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { readParquet } from "../../src/testing/parquet.js";
import type { QuarantineLine } from "./convert.js";
import { type DropToRawConfig, type DropToRawDeps, processObject, type SourceObject } from "./drop-to-raw.js";
import { type DropObject, parseDropEvent } from "./event.js";

/** moto as S3, SQS and DynamoDB: real notifications (moto's own event shape), real conditional writes. */

const SAMPLES = new URL("../../src/pipelines/samples/", import.meta.url);
const DROP = "lake-drop";
const RAW = "lake-raw";
const QUARANTINE = "lake-quarantine";
const LEDGER = "lake-ledger";
const NOW = new Date("2026-11-22T08:00:00.000Z");

const dir = mkdtempSync(join(tmpdir(), "drop-to-raw-moto-"));
const motoDir = join(dir, "moto");
let moto: MotoServer;
let s3: S3Client;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;
const logs: { level: string; message: string; attributes: Record<string, unknown> }[] = [];

const config: DropToRawConfig = {
  rawBucket: RAW,
  quarantineBucket: QUARANTINE,
  ledgerTable: LEDGER,
  tmpDir: dir,
  threads: 1,
  memoryLimitMb: 128,
};
const pipelines: Record<string, PipelineDeclaration> = { orders, clickstream };
const deps = (owner?: string, onInfo?: (message: string) => void): DropToRawDeps => ({
  s3,
  dynamo,
  clock: () => NOW,
  pipeline: async (name) => pipelines[name],
  logger: {
    info: (message, attributes) => {
      logs.push({ level: "info", message, attributes });
      onInfo?.(message);
    },
    warn: (message, attributes) => logs.push({ level: "warn", message, attributes }),
  },
  ...(owner !== undefined ? { owner } : {}),
});

beforeAll(async () => {
  moto = await startMoto({ dir: motoDir });
  const client = {
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  dynamo = new DynamoDBClient(client);
  sqs = new SQSClient(client);
  for (const bucket of [DROP, RAW, QUARANTINE]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await dynamo.send(
    new CreateTableCommand({
      TableName: LEDGER,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "drop-events" }))).QueueUrl as string;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.["QueueArn"];
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: DROP,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: queueArn, Events: ["s3:ObjectCreated:*"] }],
      },
    }),
  );
});

afterAll(async () => {
  await stopMoto(motoDir);
  rmSync(dir, { recursive: true, force: true });
});

function onlyObject(body: string): DropObject {
  const event = parseDropEvent(body);
  if (event.kind !== "objects" || event.objects.length !== 1) throw new Error(`not one object: ${body}`);
  return event.objects[0] as DropObject;
}

/** Puts an object into the drop zone and returns the object moto's notification reports (parsed as the handler does). */
async function drop(key: string, body: string | Buffer): Promise<{ body: string; object: DropObject }> {
  await s3.send(new PutObjectCommand({ Bucket: DROP, Key: key, Body: body }));
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 2 }),
    );
    const message = received.Messages?.[0];
    if (message === undefined) continue;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    const event = parseDropEvent(message.Body as string);
    if (event.kind !== "objects") continue; // the s3:TestEvent from configuring notifications
    const object = event.objects[0] as DropObject;
    if (object.key === key) return { body: message.Body as string, object };
  }
}

async function keys(bucket: string, prefix = ""): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key as string).sort();
}

async function download(bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

async function parquetRows(keysToRead: readonly string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of keysToRead) {
    const path = join(dir, "download.parquet");
    writeFileSync(path, await download(RAW, key));
    rows.push(...(await readParquet(path)).rows);
  }
  return rows;
}

async function ledgerItem(pk: string) {
  return (await dynamo.send(new GetItemCommand({ TableName: LEDGER, Key: { pk: { S: pk } } }))).Item;
}

const toSource = (object: DropObject): SourceObject => ({
  bucket: object.bucket,
  key: object.key,
  versionId: object.versionId,
  eTag: object.eTag,
  eventTime: object.eventTime,
});

describe("drop-to-raw against moto", () => {
  it("converts a dropped CSV once, however often its event is delivered", async () => {
    // prepare: a key with a space, which moto's event sends quote_plus-encoded
    const key = "orders/ingest_date=2026-11-21/orders export.csv";
    const { body, object } = await drop(key, readFileSync(new URL("orders.csv", SAMPLES)));

    // act
    const first = await processObject(toSource(object), config, deps());
    const again = await processObject(toSource(onlyObject(body)), config, deps());

    // assess: the event decoded, the outputs where the layout says
    expect(body).toContain("orders%2Fingest_date%3D2026-11-21%2Forders+export.csv");
    expect(first.status).toBe("converted");
    if (first.status !== "converted") return;
    const name = first.rawKeys[0]
      ?.split("/")
      .pop()
      ?.replace(/_0\.parquet$/, "");
    expect(name).toMatch(/^orders_export-[0-9a-f]{16}$/);
    expect(await keys(RAW)).toEqual([
      `orders/ingest_date=2026-11-21/country=DE/${name}_0.parquet`,
      `orders/ingest_date=2026-11-21/country=FR/${name}_0.parquet`,
      `orders/ingest_date=2026-11-21/country=NL/${name}_0.parquet`,
    ]);
    expect(first.quarantineKeys).toEqual([`orders/ingest_date=2026-11-21/${name}.ndjson`]);
    const rows = await parquetRows(first.rawKeys);
    expect(rows.map((r) => r["order_id"]).sort()).toEqual([
      1001n,
      1002n,
      1003n,
      1004n,
      1005n,
      1006n,
      1007n,
      1008n,
      1009n,
      1010n,
    ]);
    expect(new Set(rows.map((r) => r["_source_key"]))).toEqual(new Set([key]));
    const quarantine = (await download(QUARANTINE, first.quarantineKeys[0] as string))
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as QuarantineLine);
    expect(quarantine.map((q) => [q.source_bucket, q.source_key, q.line, q.column])).toEqual([
      [DROP, key, 12, "quantity"],
      [DROP, key, 13, "order_id"],
    ]);
    // the redelivery found the ledger done and wrote nothing
    expect(again).toEqual({
      pk: first.pk,
      bucket: DROP,
      key,
      status: "already-processed",
      previous: {
        outcome: "converted",
        rowsIn: 12,
        rowsOut: 10,
        rowsRejected: 2,
        completedAt: NOW.toISOString(),
      },
    });
    expect(await keys(RAW)).toHaveLength(3);
    const item = await ledgerItem(first.pk);
    expect(first.pk).toBe(`s3://${DROP}/${key}#etag=${object.eTag}`);
    expect([item?.["status"]?.S, item?.["attempts"]?.N, item?.["lease_until"]]).toEqual([
      "done",
      "1",
      undefined,
    ]);
    expect(item?.["raw_keys"]?.L?.map((k) => k.S)).toEqual(first.rawKeys);
  });

  it("lets only one of two overlapping deliveries convert", async () => {
    // prepare
    const { object } = await drop(
      "clickstream/batch 01+final.ndjson",
      readFileSync(new URL("clickstream.ndjson", SAMPLES)),
    );
    // The second delivery starts once the first holds the claim. (Started at the very same moment, both conditional
    // writes can succeed in moto, whose DynamoDB does not serialise writes to an item as DynamoDB does; the outputs
    // would still not duplicate, having the same names, and the slower delivery would fail with LostClaimError.)
    let claimed: () => void = () => {};
    const firstClaimed = new Promise<void>((resolve) => {
      claimed = resolve;
    });

    // act
    const outcomes = await Promise.all([
      processObject(
        toSource(object),
        config,
        deps("worker-a", (m) => m === "claimed" && claimed()),
      ),
      firstClaimed.then(() => processObject(toSource(object), config, deps("worker-b"))),
    ]);

    // assess
    expect(outcomes.map((o) => o.status).sort()).toEqual(["converted", "in-progress"]);
    const converted = outcomes.find((o) => o.status === "converted");
    if (converted?.status !== "converted") throw new Error("nothing converted");
    // no ingest_date in the key: the object's LastModified day
    expect(converted.ingestDate).toBe(new Date().toISOString().slice(0, 10));
    expect(await keys(RAW, "clickstream/")).toEqual(converted.rawKeys);
    expect(await parquetRows(converted.rawKeys)).toHaveLength(8);
    expect(object.key).toBe("clickstream/batch 01+final.ndjson");
  });

  it("accounts for every row of a file with bad rows", async () => {
    // prepare
    const csv = [
      "order_id,customer_id,country,sku,quantity,unit_price,ordered_at,is_gift",
      "1,1,DE,A,1,1.5,2026-11-21T00:00:00Z,true",
      "2,1,DE,A,1.5,1.5,2026-11-21T00:00:00Z,true",
      "3,1,DE,A",
      "4,1,FR,A,1,1.5,2026-11-21T00:00:00Z,maybe",
      '5,1,FR,"A, quoted",2,1.5,2026-11-21T00:00:00Z,',
      "",
    ].join("\n");
    const { object } = await drop("orders/ingest_date=2026-11-22/bad-rows.csv", csv);

    // act
    const outcome = await processObject(toSource(object), config, deps());

    // assess
    expect(outcome.status).toBe("converted");
    if (outcome.status !== "converted") return;
    expect([outcome.rowsIn, outcome.rowsOut, outcome.rowsRejected]).toEqual([5, 2, 3]);
    expect((await parquetRows(outcome.rawKeys)).map((r) => [r["order_id"], r["sku"]])).toEqual([
      [1n, "A"],
      [5n, "A, quoted"],
    ]);
    const lines = (await download(QUARANTINE, outcome.quarantineKeys[0] as string))
      .toString()
      .trim()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l) as QuarantineLine).map((q) => [q.line, q.reason, q.row])).toEqual([
      [3, 'quantity: "1.5" is not an int', "2,1,DE,A,1.5,1.5,2026-11-21T00:00:00Z,true"],
      [4, "row: 4 fields, expected 8", "3,1,DE,A"],
      [5, 'is_gift: "maybe" is not a boolean', "4,1,FR,A,1,1.5,2026-11-21T00:00:00Z,maybe"],
    ]);
    const item = await ledgerItem(outcome.pk);
    expect([item?.["rows_in"]?.N, item?.["rows_out"]?.N, item?.["rows_rejected"]?.N]).toEqual([
      "5",
      "2",
      "3",
    ]);
  });

  it("quarantines an unreadable file whole, with a reason sidecar", async () => {
    // prepare: claims gzip by its name, is not
    const { object } = await drop("orders/ingest_date=2026-11-22/broken.csv.gz", "order_id\n1\n");

    // act
    const outcome = await processObject(toSource(object), config, deps());

    // assess
    expect(outcome.status).toBe("quarantined");
    if (outcome.status !== "quarantined") return;
    const [copyKey, sidecarKey] = outcome.quarantineKeys as [string, string];
    expect(copyKey).toMatch(/^orders\/ingest_date=2026-11-22\/broken-[0-9a-f]{16}\.csv\.gz$/);
    expect(sidecarKey).toBe(`${copyKey}.reason.json`);
    expect((await download(QUARANTINE, copyKey)).toString()).toBe("order_id\n1\n");
    expect(JSON.parse((await download(QUARANTINE, sidecarKey)).toString())).toEqual({
      source_bucket: DROP,
      source_key: "orders/ingest_date=2026-11-22/broken.csv.gz",
      line: null,
      column: null,
      reason:
        "not gzip: the key ends in .gz or the pipeline declares gzip, but the content has no gzip header",
      row: null,
      version_id: null,
      etag: object.eTag,
      copy_key: copyKey,
      quarantined_at: NOW.toISOString(),
    });
    expect(await keys(RAW, "orders/ingest_date=2026-11-22/")).not.toContain(
      expect.stringContaining("broken"),
    );
    expect((await ledgerItem(outcome.pk))?.["outcome"]?.S).toBe("quarantined");
  });

  it("quarantines an object outside every pipeline under _unknown/", async () => {
    // prepare
    const { object } = await drop("mystery/file.csv", "a,b\n1,2\n");

    // act
    const outcome = await processObject(toSource(object), config, deps());

    // assess
    expect(outcome).toMatchObject({ status: "quarantined", reason: 'unknown pipeline "mystery"' });
    const day = object.eventTime.slice(0, 10);
    expect(await keys(QUARANTINE, "_unknown/")).toEqual([
      expect.stringMatching(new RegExp(`^_unknown/ingest_date=${day}/file-[0-9a-f]{16}\\.csv$`)),
      expect.stringMatching(
        new RegExp(`^_unknown/ingest_date=${day}/file-[0-9a-f]{16}\\.csv\\.reason\\.json$`),
      ),
    ]);
  });

  it("gives the claim back when a conversion fails, so the retry runs at once", async () => {
    // prepare: the raw bucket does not exist yet
    const { object } = await drop(
      "orders/ingest_date=2026-11-23/retry.csv",
      readFileSync(new URL("orders.csv", SAMPLES)),
    );
    const broken = { ...config, rawBucket: "lake-raw-missing" };

    // act
    const failure = await processObject(toSource(object), broken, deps()).catch((e: unknown) => e as Error);
    const afterFailure = await ledgerItem(`s3://${DROP}/${object.key}#etag=${object.eTag}`);
    await s3.send(new CreateBucketCommand({ Bucket: "lake-raw-missing" }));
    const retry = await processObject(toSource(object), broken, deps());

    // assess
    expect(failure).toBeInstanceOf(Error);
    expect([afterFailure?.["status"]?.S, afterFailure?.["lease_until"]?.N]).toEqual(["processing", "0"]);
    expect(afterFailure?.["last_error"]?.S).toContain("bucket");
    expect(retry).toMatchObject({ status: "converted", rowsIn: 12, rowsOut: 10, rowsRejected: 2 });
    expect((await ledgerItem(retry.pk))?.["attempts"]?.N).toBe("2");
  });

  it("skips an object overwritten after its event (the new version has its own event)", async () => {
    // prepare
    const { object } = await drop("orders/ingest_date=2026-11-24/overwritten.csv", "order_id\n1\n");
    await drop("orders/ingest_date=2026-11-24/overwritten.csv", "order_id\n2\n");

    // act
    const outcome = await processObject(toSource(object), config, deps());

    // assess
    expect(outcome).toMatchObject({
      status: "skipped",
      reason:
        "the object was overwritten after the event (its ETag changed); the new version has its own event",
    });
    expect(await keys(RAW, "orders/ingest_date=2026-11-24/")).toEqual([]);
  });
});

describe("drop-to-raw against moto: a key's newest version wins (versioned drop bucket, as the lake's)", () => {
  const VERSIONED = "lake-drop-versioned";
  const ORDERS = readFileSync(new URL("orders.csv", SAMPLES), "utf8");
  /** The sample's header and its first `n` rows: a smaller, corrected file under the same key. */
  const firstRows = (n: number) =>
    `${ORDERS.split("\n")
      .slice(0, n + 1)
      .join("\n")}\n`;

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: VERSIONED }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: VERSIONED, VersioningConfiguration: { Status: "Enabled" } }),
    );
  });

  /** Puts a version and returns it as a real S3 event names it (bucket, key, version id). */
  async function put(key: string, body: string): Promise<SourceObject> {
    const { VersionId, ETag } = await s3.send(
      new PutObjectCommand({ Bucket: VERSIONED, Key: key, Body: body }),
    );
    return { bucket: VERSIONED, key, versionId: VersionId, eTag: ETag?.replace(/"/g, "") };
  }

  async function rawRows(prefix: string): Promise<bigint[]> {
    return (await parquetRows(await keys(RAW, prefix))).map((r) => r["order_id"] as bigint).sort();
  }

  it("replaces the first version's rows and quarantine when the file is put again", async () => {
    // prepare: the full sample (10 good rows, 2 bad), then a corrected file of 3 good rows under the same key
    const key = "orders/ingest_date=2026-12-01/resent.csv";
    const first = await put(key, ORDERS);
    const firstOutcome = await processObject(first, config, deps());
    const second = await put(key, firstRows(3));

    // act
    const secondOutcome = await processObject(second, config, deps());

    // assess: raw and quarantine hold the newest version's outputs only
    expect(firstOutcome).toMatchObject({ status: "converted", rowsOut: 10, rowsRejected: 2 });
    expect(secondOutcome).toMatchObject({ status: "converted", rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
    expect(await rawRows("orders/ingest_date=2026-12-01/")).toEqual([1001n, 1002n, 1003n]);
    expect(await keys(QUARANTINE, "orders/ingest_date=2026-12-01/")).toEqual([]);
    expect(logs.find((l) => l.message === "older versions' outputs deleted")?.attributes).toMatchObject({
      pk: secondOutcome.pk,
      versions: 1,
    });
  });

  it("does not convert a version whose event arrives after a newer version was put", async () => {
    // prepare: two puts, neither converted yet; the older event is delivered first
    const key = "orders/ingest_date=2026-12-02/late.csv";
    const older = await put(key, ORDERS);
    const newer = await put(key, firstRows(2));

    // act
    const olderOutcome = await processObject(older, config, deps());
    const newerOutcome = await processObject(newer, config, deps());
    const redelivered = await processObject(older, config, deps());

    // assess: the older one is recorded as superseded, with nothing written; the newer one converts
    expect(olderOutcome).toMatchObject({
      status: "skipped",
      reason: `superseded by version ${newer.versionId} of the same key before conversion: only a key's newest version is converted`,
    });
    expect((await ledgerItem(olderOutcome.pk))?.["outcome"]?.S).toBe("skipped");
    expect(newerOutcome).toMatchObject({ status: "converted", rowsOut: 2 });
    expect(redelivered.status).toBe("already-processed");
    expect(await rawRows("orders/ingest_date=2026-12-02/")).toEqual([1001n, 1002n]);
  });

  it("deletes its own outputs when a newer version is put while it converts", async () => {
    // prepare: the newer version is put right after the older one's check, before its outputs are written
    const key = "orders/ingest_date=2026-12-03/racing.csv";
    const older = await put(key, ORDERS);
    let newer: SourceObject | undefined;
    let listings = 0;
    const racing = new Proxy(s3, {
      get(target, property, receiver) {
        if (property !== "send") return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          const result = await target.send(command as never);
          if (command.constructor.name === "ListObjectVersionsCommand" && ++listings === 1)
            newer = await put(key, firstRows(1));
          return result;
        };
      },
    });

    // act
    const olderOutcome = await processObject(older, config, { ...deps(), s3: racing });
    const newerOutcome = await processObject(newer as SourceObject, config, deps());

    // assess: the older one wrote, saw the newer version, deleted its own outputs; raw holds the newer rows only
    expect(olderOutcome).toMatchObject({
      status: "skipped",
      reason: `superseded by version ${newer?.versionId} of the same key while converting; this version's outputs were deleted: only a key's newest version is kept`,
    });
    expect(
      logs.find((l) => l.message === "superseded while converting; own outputs deleted")?.attributes,
    ).toMatchObject({ pk: olderOutcome.pk, newer: newer?.versionId });
    expect(newerOutcome).toMatchObject({ status: "converted", rowsOut: 1 });
    expect(await rawRows("orders/ingest_date=2026-12-03/")).toEqual([1001n]);
    expect(await keys(QUARANTINE, "orders/ingest_date=2026-12-03/")).toEqual([]);
  });

  it("leaves another key's outputs alone, also one the key is a prefix of", async () => {
    // prepare: `a.csv` and `a.csv.bak` share a prefix; a new version of `a.csv` must not touch `a.csv.bak`
    const key = "orders/ingest_date=2026-12-04/a.csv";
    const other = await put(`${key}.bak`, firstRows(2));
    await processObject(other, config, deps());
    await processObject(await put(key, firstRows(1)), config, deps());

    // act
    await processObject(await put(key, firstRows(3)), config, deps());

    // assess
    expect(await rawRows("orders/ingest_date=2026-12-04/")).toEqual([1001n, 1001n, 1002n, 1002n, 1003n]);
  });
});

describe("drop-to-raw against moto: a raw change reopens a curated date already transformed", () => {
  const VERSIONED = "lake-drop-reopen";
  const RUNS = "lake-runs";
  const ORDERS = readFileSync(new URL("orders.csv", SAMPLES), "utf8");
  const withRuns: DropToRawConfig = { ...config, runsTable: RUNS };
  const claimedAt = "2026-11-22T06:00:00.000Z";

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: VERSIONED }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: VERSIONED, VersioningConfiguration: { Status: "Enabled" } }),
    );
    await dynamo.send(
      new CreateTableCommand({
        TableName: RUNS,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // 2026-11-10 was transformed (the orchestrator claimed it, the state machine finished it); 2026-11-11 never was
    await dynamo.send(
      new PutItemCommand({
        TableName: RUNS,
        Item: {
          pk: { S: "transform#orders#2026-11-10" },
          status: { S: "succeeded" },
          run_id: { S: "orders-0000000000000000" },
          claimed_at: { S: claimedAt },
          finished_at: { S: "2026-11-22T06:05:00.000Z" },
        },
      }),
    );
  });

  async function put(key: string, body: string): Promise<SourceObject> {
    const { VersionId, ETag } = await s3.send(
      new PutObjectCommand({ Bucket: VERSIONED, Key: key, Body: body }),
    );
    return { bucket: VERSIONED, key, versionId: VersionId, eTag: ETag?.replace(/"/g, "") };
  }
  const runItem = async (pk: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: RUNS, Key: { pk: { S: pk } } }))).Item;

  it("records the change on the date's item when a corrected file replaces a transformed date's rows", async () => {
    // prepare: the file the transform read, then a corrected one under the same key
    const key = "orders/ingest_date=2026-11-10/resent.csv";
    const first = await processObject(await put(key, ORDERS), config, deps());
    const second = await put(key, ORDERS.split("\n").slice(0, 3).join("\n"));

    // act
    const outcome = await processObject(second, withRuns, deps());

    // assess: the date's item says raw changed after its claim, so the next raw crawl claims it again
    expect(first.status).toBe("converted");
    expect(outcome).toMatchObject({ status: "converted", rowsOut: 2, curatedReopened: ["2026-11-10"] });
    const item = await runItem("transform#orders#2026-11-10");
    expect(item).toMatchObject({
      status: { S: "succeeded" },
      claimed_at: { S: claimedAt },
      raw_changed_at: { S: NOW.toISOString() },
      raw_changed_by: { S: outcome.pk },
    });
    expect(logs.find((l) => l.message.startsWith("raw changed under curated dates"))?.attributes).toEqual({
      pk: outcome.pk,
      dates: ["2026-11-10"],
    });
  });

  it("records nothing for a date no transform claimed yet", async () => {
    // act
    const outcome = await processObject(
      await put("orders/ingest_date=2026-11-11/new.csv", ORDERS),
      withRuns,
      deps(),
    );

    // assess: no item is made up for it
    expect(outcome).toMatchObject({ status: "converted", curatedReopened: [] });
    expect(await runItem("transform#orders#2026-11-11")).toBeUndefined();
  });

  it("lists a partition once for all the older versions of a key put many times", async () => {
    // prepare: three versions converted in turn, counting the fourth's listings of raw and quarantine
    const key = "orders/ingest_date=2026-11-12/often.csv";
    for (let i = 0; i < 3; i++) await processObject(await put(key, ORDERS), config, deps());
    const listed: string[] = [];
    const counting = new Proxy(s3, {
      get(target, property, receiver) {
        if (property !== "send") return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string }; input: { Bucket?: string } }) => {
          if (command.constructor.name === "ListObjectsV2Command") listed.push(command.input.Bucket ?? "");
          return target.send(command as never);
        };
      },
    });

    // act
    const outcome = await processObject(await put(key, ORDERS), config, { ...deps(), s3: counting });

    // assess: three older versions, one listing of each zone; raw and quarantine hold one version's outputs
    expect(outcome).toMatchObject({ status: "converted", rowsOut: 10, rowsRejected: 2 });
    expect(listed.sort()).toEqual([QUARANTINE, RAW]);
    expect(await keys(QUARANTINE, "orders/ingest_date=2026-11-12/")).toHaveLength(1);
    expect(
      (await parquetRows(await keys(RAW, "orders/ingest_date=2026-11-12/"))).map((r) => r["order_id"]),
    ).toHaveLength(10);
  });
});
