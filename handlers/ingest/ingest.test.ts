import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { fixture, httpPipeline } from "./fixtures.js";
import { compactInstant, dropKey, type IngestDeps, ingest } from "./ingest.js";

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBClient);
const secrets = mockClient(SecretsManagerClient);
const URL_ = "https://shop.example.com/exports/orders.csv";
const NOW = new Date("2026-11-22T04:05:06.789Z");
const CSV = fixture("orders.csv");

interface Call {
  url: string;
  headers: Record<string, string>;
}

/** A fetch that records its calls and answers with `response`. */
function fakeFetch(response: () => Response): { fetch: typeof globalThis.fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
    return response();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function deps(fetch: typeof globalThis.fetch): IngestDeps & { logs: unknown[][] } {
  const logs: unknown[][] = [];
  const record = (level: string) => (message: string, attributes: Record<string, unknown>) =>
    logs.push([level, message, attributes]);
  return {
    fetch,
    s3: new S3Client({ region: "eu-west-1" }),
    dynamo: new DynamoDBClient({ region: "eu-west-1" }),
    secrets: new SecretsManagerClient({ region: "eu-west-1" }),
    logger: { info: record("info"), warn: record("warn"), error: record("error") },
    clock: () => NOW,
    randomId: () => "abcd1234",
    dropBucket: "drop-bucket",
    runsTable: "runs",
    logs,
  };
}

const latestItem = {
  pk: { S: "pipeline#orders" },
  sk: { S: "latest" },
  run_id: { S: "20261122T030000Z-00000000" },
  etag: { S: '"v1"' },
  last_modified: { S: "Sat, 21 Nov 2026 10:00:00 GMT" },
};
const EXPIRES = String(Math.floor(NOW.getTime() / 1000) + 90 * 86_400);

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  secrets.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).resolves({});
  s3.on(PutObjectCommand).resolves({ ETag: '"s3"' });
});

describe("ingest", () => {
  it("streams a first pull into the drop bucket and records the run and the latest validators together", async () => {
    // prepare
    const { fetch, calls } = fakeFetch(
      () => new Response(CSV, { status: 200, headers: { etag: '"v2"', "content-type": "text/csv" } }),
    );
    const d = deps(fetch);

    // act
    const run = await ingest(httpPipeline(URL_), d);

    // assess
    expect(run).toEqual({
      pipeline: "orders",
      runId: "20261122T040506Z-abcd1234",
      status: "succeeded",
      key: "orders/ingest_date=2026-11-22/20261122T040506Z-abcd1234.csv",
      bytes: Buffer.byteLength(CSV),
      etag: '"v2"',
      httpStatus: 200,
      startedAt: "2026-11-22T04:05:06.789Z",
      finishedAt: "2026-11-22T04:05:06.789Z",
    });
    expect(calls).toEqual([{ url: URL_, headers: {} }]);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe("drop-bucket");
    expect(put?.Key).toBe("orders/ingest_date=2026-11-22/20261122T040506Z-abcd1234.csv");
    expect(put?.ContentType).toBe("text/csv");
    expect(put?.Metadata).toEqual({ pipeline: "orders", "run-id": "20261122T040506Z-abcd1234" });
    expect(Buffer.from(put?.Body as Uint8Array).toString()).toBe(CSV);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input).toEqual({
      TransactItems: [
        {
          Put: {
            TableName: "runs",
            Item: {
              pk: { S: "pipeline#orders" },
              sk: { S: "20261122T040506Z-abcd1234" },
              pipeline: { S: "orders" },
              run_id: { S: "20261122T040506Z-abcd1234" },
              status: { S: "succeeded" },
              bytes: { N: String(Buffer.byteLength(CSV)) },
              started_at: { S: "2026-11-22T04:05:06.789Z" },
              finished_at: { S: "2026-11-22T04:05:06.789Z" },
              expires_at: { N: EXPIRES },
              key: { S: "orders/ingest_date=2026-11-22/20261122T040506Z-abcd1234.csv" },
              etag: { S: '"v2"' },
              http_status: { N: "200" },
            },
          },
        },
        {
          Put: {
            TableName: "runs",
            Item: {
              pk: { S: "pipeline#orders" },
              sk: { S: "latest" },
              run_id: { S: "20261122T040506Z-abcd1234" },
              updated_at: { S: "2026-11-22T04:05:06.789Z" },
              key: { S: "orders/ingest_date=2026-11-22/20261122T040506Z-abcd1234.csv" },
              etag: { S: '"v2"' },
            },
          },
        },
      ],
    });
  });

  it("sends the last validators and secret headers, and skips on 304 without touching S3", async () => {
    // prepare
    dynamo.on(GetItemCommand).resolves({ Item: latestItem });
    secrets
      .on(GetSecretValueCommand, { SecretId: "shop/api-token" })
      .resolves({ SecretString: "Bearer s3cr3t" });
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 304, headers: { etag: '"v1"' } }));
    const d = deps(fetch);

    // act
    const run = await ingest(
      httpPipeline(URL_, { Authorization: { secret: "shop/api-token" }, Accept: "text/csv" }),
      d,
    );

    // assess
    expect(calls[0]?.headers).toEqual({
      accept: "text/csv",
      authorization: "Bearer s3cr3t",
      "if-none-match": '"v1"',
      "if-modified-since": "Sat, 21 Nov 2026 10:00:00 GMT",
    });
    expect(run.status).toBe("skipped");
    expect(run.reason).toBe("not-modified");
    expect(s3.calls()).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toEqual([]);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.status).toEqual({ S: "skipped" });
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.reason).toEqual({ S: "not-modified" });
    expect(JSON.stringify(d.logs)).not.toContain("s3cr3t");
  });

  it("skips when a server ignores the conditional request but sends the same ETag", async () => {
    // prepare
    dynamo.on(GetItemCommand).resolves({ Item: latestItem });
    const { fetch } = fakeFetch(() => new Response(CSV, { status: 200, headers: { etag: '"v1"' } }));

    // act
    const run = await ingest(httpPipeline(URL_), deps(fetch));

    // assess
    expect([run.status, run.reason, run.bytes]).toEqual(["skipped", "unchanged", 0]);
    expect(s3.calls()).toEqual([]);
  });

  it("skips on an unchanged Last-Modified when the server sends no ETag", async () => {
    // prepare
    dynamo.on(GetItemCommand).resolves({ Item: latestItem });
    const { fetch } = fakeFetch(
      () => new Response(CSV, { status: 200, headers: { "last-modified": "Sat, 21 Nov 2026 10:00:00 GMT" } }),
    );

    // act
    const run = await ingest(httpPipeline(URL_), deps(fetch));

    // assess
    expect([run.status, run.reason]).toEqual(["skipped", "unchanged"]);
  });

  it("records an HTTP error as a failed run and leaves latest alone", async () => {
    // prepare
    const { fetch } = fakeFetch(
      () => new Response("boom", { status: 503, statusText: "Service Unavailable" }),
    );
    const d = deps(fetch);

    // act
    const run = await ingest(httpPipeline(URL_), d);

    // assess
    expect([run.status, run.error, run.httpStatus]).toEqual(["failed", "HTTP 503 Service Unavailable", 503]);
    const item = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect([item?.status, item?.error, item?.http_status]).toEqual([
      { S: "failed" },
      { S: "HTTP 503 Service Unavailable" },
      { N: "503" },
    ]);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toEqual([]);
    expect(d.logs.at(-1)?.[0]).toBe("error");
  });

  it("records a network failure as a failed run", async () => {
    // prepare
    const fetch = (async () => {
      throw new TypeError("getaddrinfo ENOTFOUND shop.example.com");
    }) as typeof globalThis.fetch;

    // act
    const run = await ingest(httpPipeline(URL_), deps(fetch));

    // assess
    expect([run.status, run.error]).toEqual([
      "failed",
      "fetch failed: getaddrinfo ENOTFOUND shop.example.com",
    ]);
  });

  it("names a scheduled run after its scheduled time, so a retry writes the same key", async () => {
    // prepare
    const { fetch } = fakeFetch(() => new Response(CSV, { status: 200 }));

    // act
    const run = await ingest(httpPipeline(URL_), deps(fetch), { scheduledTime: "2026-11-21T23:00:00Z" });

    // assess
    expect(run.runId).toBe("20261121T230000Z");
    expect(run.key).toBe("orders/ingest_date=2026-11-21/20261121T230000Z.csv");
  });

  it("does nothing for a scheduled run that already succeeded", async () => {
    // prepare
    dynamo
      .on(GetItemCommand, { Key: { pk: { S: "pipeline#orders" }, sk: { S: "20261121T230000Z" } } })
      .resolves({ Item: { status: { S: "succeeded" }, key: { S: "orders/x.csv" } } });
    const { fetch, calls } = fakeFetch(() => new Response(CSV, { status: 200 }));

    // act
    const run = await ingest(httpPipeline(URL_), deps(fetch), { scheduledTime: "2026-11-21T23:00:00Z" });

    // assess
    expect([run.status, run.reason]).toEqual(["skipped", "already-ingested"]);
    expect(calls).toEqual([]);
    expect(dynamo.commandCalls(PutItemCommand)).toEqual([]);
  });

  it("refuses a pipeline that is not pulled over HTTP", async () => {
    // prepare
    const push = { ...httpPipeline(URL_), source: { kind: "push" as const } };

    // act / assess
    await expect(ingest(push, deps(fakeFetch(() => new Response("")).fetch))).rejects.toThrow(
      "pipeline orders is a push pipeline; only http pipelines are pulled",
    );
  });
});

describe("keys", () => {
  it("compacts instants and adds .gz for gzip pipelines", () => {
    // prepare
    const gz = { ...httpPipeline(URL_), format: { type: "ndjson" as const, compression: "gzip" as const } };

    // act / assess
    expect(compactInstant("2026-11-22T04:05:06.789Z")).toBe("20261122T040506Z");
    expect(dropKey(gz, "r1", NOW)).toBe("orders/ingest_date=2026-11-22/r1.ndjson.gz");
  });
});
