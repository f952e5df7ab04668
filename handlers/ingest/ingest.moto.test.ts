import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto, stopMoto } from "../../src/local/moto.js";
import { fixture, httpPipeline } from "./fixtures.js";
import { type IngestDeps, ingest } from "./ingest.js";

const CSV = fixture("orders.csv");
const ETAG = '"orders-v1"';
const motoDir = mkdtempSync(join(tmpdir(), "ingest-moto-"));
const requests: IncomingHttpHeaders[] = [];
let moto: MotoServer;
let server: Server;
let sourceUrl: string;
let clients: { s3: S3Client; dynamo: DynamoDBClient; secrets: SecretsManagerClient };

beforeAll(async () => {
  moto = await startMoto({ dir: motoDir });
  const config = {
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  clients = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    dynamo: new DynamoDBClient(config),
    secrets: new SecretsManagerClient(config),
  };
  await clients.s3.send(new CreateBucketCommand({ Bucket: "drop" }));
  await clients.dynamo.send(
    new CreateTableCommand({
      TableName: "runs",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
  await clients.secrets.send(new CreateSecretCommand({ Name: "shop/token", SecretString: "Bearer t0ken" }));

  // The source: a CSV export with an ETag that honours If-None-Match, as a well-behaved server does.
  server = createServer((req, res) => {
    requests.push(req.headers);
    if (req.headers["if-none-match"] === ETAG) {
      res.writeHead(304, { etag: ETAG }).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/csv", etag: ETAG }).end(CSV);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sourceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exports/orders.csv`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stopMoto(motoDir);
});

function deps(at: string, id: string): IngestDeps {
  const quiet = () => undefined;
  return {
    fetch,
    ...clients,
    logger: { info: quiet, warn: quiet, error: quiet },
    clock: () => new Date(at),
    randomId: () => id,
    dropBucket: "drop",
    runsTable: "runs",
  };
}

describe("ingest against moto and a local HTTP source", () => {
  it("lands the file on the first run, skips the second by the conditional request, and records both", async () => {
    // prepare
    const pipeline = httpPipeline(sourceUrl, { Authorization: { secret: "shop/token" } });

    // act
    const first = await ingest(pipeline, deps("2026-11-22T04:00:00.000Z", "aaaa0001"));
    const second = await ingest(pipeline, deps("2026-11-22T05:00:00.000Z", "aaaa0002"));

    // assess: the object
    const key = "orders/ingest_date=2026-11-22/20261122T040000Z-aaaa0001.csv";
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: "drop" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: "drop", Key: key }));
    expect(await object.Body?.transformToString()).toBe(CSV);
    expect(object.Metadata).toEqual({ pipeline: "orders", "run-id": "20261122T040000Z-aaaa0001" });

    // assess: the requests
    expect(requests.map((h) => [h.authorization, h["if-none-match"]])).toEqual([
      ["Bearer t0ken", undefined],
      ["Bearer t0ken", ETAG],
    ]);
    expect([first.status, first.key, first.bytes]).toEqual(["succeeded", key, Buffer.byteLength(CSV)]);
    expect([second.status, second.reason, second.bytes]).toEqual(["skipped", "not-modified", 0]);

    // assess: the run records and the latest item
    const items = await clients.dynamo.send(
      new QueryCommand({
        TableName: "runs",
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: "pipeline#orders" } },
      }),
    );
    expect(
      items.Items?.map((i) => [
        i.sk?.S,
        i.status?.S ?? null,
        i.etag?.S,
        i.bytes?.N ?? null,
        i.key?.S ?? null,
      ]),
    ).toEqual([
      ["20261122T040000Z-aaaa0001", "succeeded", ETAG, String(Buffer.byteLength(CSV)), key],
      ["20261122T050000Z-aaaa0002", "skipped", ETAG, "0", null],
      ["latest", null, ETAG, null, key],
    ]);
  });
});
