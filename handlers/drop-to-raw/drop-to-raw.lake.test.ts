import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalRunner } from "../../src/local/runner.js";
import type { LocalWiring } from "../../src/local/wiring.js";
import { lake, output } from "../../src/testing/lake.js";
import { lakeWiring } from "../../src/testing/local-wiring.js";
import { motoClientConfig } from "../../src/testing/moto.js";
import { readParquet } from "../../src/testing/parquet.js";

// The bundled drop-to-raw zip (with the DuckDB layer zip), invoked by the local runner with the events that really
// arrive on its queue from S3 -> SNS -> SQS in moto, configured by the environment the stack deployed.
const expected = JSON.parse(readFileSync("src/pipelines/samples/expected.json", "utf8")) as Record<
  string,
  { file: string; rows: number; valid: number; quarantined: { line: number; column: string }[] }
>;
const s3 = () => new S3Client(motoClientConfig(lake().endpoint));
// Its own ingest date: other lake tests (make local's run) convert the same samples under 2026-11-21.
const DATE = "2026-11-19";
const at = (pipeline: string) => `${pipeline}/ingest_date=${DATE}/`;
let wiring: LocalWiring;
let runner: LocalRunner;
/** The message S3 -> SNS -> SQS delivered for the orders sample, to deliver again. */
let ordersDelivery = "";

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const { Contents } = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (Contents ?? []).map((c) => c.Key ?? "").sort();
}

async function download(bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await Body?.transformToByteArray()) ?? []);
}

async function rawRows(pipeline: string): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), "raw-"));
  const rows: Record<string, unknown>[] = [];
  for (const key of await keys(output("raw_bucket_name"), at(pipeline))) {
    const file = join(dir, key.replace(/\//g, "_"));
    writeFileSync(file, await download(output("raw_bucket_name"), key));
    rows.push(...(await readParquet(file)).rows);
  }
  return rows;
}

async function quarantinedLines(pipeline: string): Promise<{ line: number; reason: string }[]> {
  const lines: { line: number; reason: string }[] = [];
  for (const key of await keys(output("quarantine_bucket_name"), at(pipeline)))
    if (key.endsWith(".ndjson"))
      for (const text of (await download(output("quarantine_bucket_name"), key)).toString("utf8").split("\n"))
        if (text.trim()) lines.push(JSON.parse(text));
  return lines.sort((a, b) => a.line - b.line);
}

beforeAll(async () => {
  wiring = await lakeWiring();
  runner = new LocalRunner(wiring, { endpoint: lake().endpoint, region: "us-east-1" });
  for (const q of ["drop_to_raw_queue_url", "drop_to_raw_dlq_url"])
    await new SQSClient(motoClientConfig(lake().endpoint)).send(
      new PurgeQueueCommand({ QueueUrl: output(q) }),
    );
});

describe("drop-to-raw, bundled, against the applied lake", () => {
  it("is wired from the state: the converter's queue, batch size 5, partial batch responses, disabled in moto", () => {
    const mapping = wiring.mappings.find((m) => m.functionName === "event-lake-local-drop-to-raw");
    expect(mapping).toMatchObject({
      batchSize: 5,
      maxConcurrency: 10,
      reportBatchItemFailures: true,
      enabledInAws: false,
      queue: { name: "event-lake-local-drop-to-raw", visibilityTimeoutSeconds: 1800, maxReceiveCount: 5 },
    });
    expect(wiring.functions["event-lake-local-drop-to-raw"]?.layerZipPaths).toHaveLength(1);
  });

  it("converts both samples: every valid row in raw Parquet, every bad row quarantined with its reason", async () => {
    for (const [pipeline, sample] of Object.entries(expected))
      await s3().send(
        new PutObjectCommand({
          Bucket: output("drop_bucket_name"),
          Key: `${at(pipeline)}${sample.file}`,
          Body: readFileSync(join("src/pipelines/samples", sample.file)),
        }),
      );

    const reports = await runner.drain();
    ordersDelivery = reports.flatMap((r) => r.bodies).find((b) => b.includes("orders.csv")) ?? "";

    expect(reports.reduce((n, r) => n + r.received, 0)).toBe(Object.keys(expected).length);
    expect(reports.every((r) => r.failed === 0 && !r.invocation.error)).toBe(true);
    for (const [pipeline, sample] of Object.entries(expected)) {
      const rows = await rawRows(pipeline);
      const bad = await quarantinedLines(pipeline);
      expect(rows).toHaveLength(sample.valid);
      expect(bad.map((b) => [b.line, b.reason.split(":")[0]])).toEqual(
        sample.quarantined.map((q) => [q.line, q.column]),
      );
      expect(rows.length + bad.length).toBe(sample.rows);
    }
    const orders = await rawRows("orders");
    const first = orders.find((r) => r["order_id"] === 1001n || r["order_id"] === 1001);
    expect(first).toMatchObject({ sku: "SKU-RED-1", quantity: 2, unit_price: 19.99, is_gift: false });
  });

  it("records each object once in the ledger, with its counts", async () => {
    const { Items } = await new DynamoDBClient(motoClientConfig(lake().endpoint)).send(
      new ScanCommand({ TableName: output("drop_to_raw_ledger_table_name") }),
    );
    const done = (Items ?? []).filter(
      (i) => i["status"]?.S === "done" && i["pk"]?.S?.includes(`ingest_date=${DATE}/`),
    );
    const counts = Object.fromEntries(
      done.map((i) => [
        /^s3:\/\/[^/]+\/([^/]+)\//.exec(i["pk"]?.S ?? "")?.[1],
        [i["rows_in"]?.N, i["rows_out"]?.N, i["rows_rejected"]?.N],
      ]),
    );
    expect(counts).toEqual({
      orders: ["12", "10", "2"],
      clickstream: ["10", "8", "2"],
      airports: ["12", "11", "1"],
    });
  });

  it("adds nothing when the same object is delivered again", async () => {
    const before = await keys(output("raw_bucket_name"), at("orders"));
    await new SQSClient(motoClientConfig(lake().endpoint)).send(
      new SendMessageCommand({ QueueUrl: output("drop_to_raw_queue_url"), MessageBody: ordersDelivery }),
    );

    const reports = await runner.drain();

    expect(reports.map((r) => [r.received, r.failed])).toEqual([[1, 0]]);
    expect(await keys(output("raw_bucket_name"), at("orders"))).toEqual(before);
    expect(await rawRows("orders")).toHaveLength(expected["orders"]?.valid ?? -1);
  });

  it("keeps only the newest version's rows when a corrected file is put under the same key", async () => {
    // prepare: the orders sample's header and first three rows, all valid, under the sample's own key
    const sample = expected["orders"]?.file ?? "";
    const corrected = readFileSync(join("src/pipelines/samples", sample), "utf8").split("\n").slice(0, 4);
    await s3().send(
      new PutObjectCommand({
        Bucket: output("drop_bucket_name"),
        Key: `${at("orders")}${sample}`,
        Body: `${corrected.join("\n")}\n`,
      }),
    );

    // act
    const reports = await runner.drain();

    // assess: the first version's ten rows and two quarantined lines are gone, the new three are there
    expect(reports.map((r) => [r.received, r.failed])).toEqual([[1, 0]]);
    expect((await rawRows("orders")).map((r) => Number(r["order_id"])).sort()).toEqual([1001, 1002, 1003]);
    expect(await quarantinedLines("orders")).toEqual([]);
  });

  it("keeps only the newest version's rows in an unpartitioned pipeline, put a second and a third time", async () => {
    // prepare: the airports sample (12 records: 11 valid, 1 quarantined) is in raw; then two corrected files under
    // its key: its first 5 records, then its first 10 (Hamburg's bad passenger count among them)
    const key = `${at("airports")}${expected["airports"]?.file}`;
    const lines = readFileSync(join("src/pipelines/samples", "airports.csv"), "utf8").split("\r\n");
    const first = (n: number) => `${lines.slice(0, n + 1).join("\r\n")}\r\n`;
    const iatas = async () => (await rawRows("airports")).map((r) => String(r["iata"])).sort();
    const before = await iatas();

    // act
    await s3().send(new PutObjectCommand({ Bucket: output("drop_bucket_name"), Key: key, Body: first(5) }));
    const second = await runner.drain();
    const afterSecond = await iatas();
    const filesAfterSecond = await keys(output("raw_bucket_name"), at("airports"));
    await s3().send(new PutObjectCommand({ Bucket: output("drop_bucket_name"), Key: key, Body: first(10) }));
    const third = await runner.drain();

    // assess: one Parquet file each time, with the newest version's rows only (11, then 5, then 9 of 10)
    expect([...second, ...third].map((r) => [r.received, r.failed])).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(before).toHaveLength(11);
    expect(afterSecond).toEqual(["AMS", "CDG", "EIN", "ORY", "RTM"]);
    expect(filesAfterSecond).toEqual([
      expect.stringMatching(/^airports\/ingest_date=2026-11-19\/airports-[0-9a-f]{16}_0\.parquet$/),
    ]);
    expect(await iatas()).toEqual(["AMS", "BER", "CDG", "EIN", "FRA", "MUC", "NCE", "ORY", "RTM"]);
    expect(await keys(output("raw_bucket_name"), at("airports"))).toHaveLength(1);
    expect((await quarantinedLines("airports")).map((q) => [q.line, q.reason])).toEqual([
      [11, 'passengers: "n/a" is not a bigint'],
    ]);
  });

  it("sends a malformed message to the DLQ after maxReceiveCount failed deliveries, and logs why", async () => {
    await new SQSClient(motoClientConfig(lake().endpoint)).send(
      new SendMessageCommand({
        QueueUrl: output("drop_to_raw_queue_url"),
        MessageBody: '{"not":"an S3 event"}',
      }),
    );

    const reports = await runner.drain();
    const { Messages } = await new SQSClient(motoClientConfig(lake().endpoint)).send(
      new ReceiveMessageCommand({ QueueUrl: output("drop_to_raw_dlq_url"), WaitTimeSeconds: 1 }),
    );

    expect(reports.map((r) => r.failed)).toEqual([1, 1, 1, 1, 1]);
    expect(reports[0]?.invocation.logs).toMatch(/not an S3 event|Records/);
    expect(Messages?.map((m) => m.Body)).toEqual(['{"not":"an S3 event"}']);
  });
});
