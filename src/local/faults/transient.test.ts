import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CopyObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type DropToRawConfig,
  type DropToRawDeps,
  processObject,
} from "../../../handlers/drop-to-raw/drop-to-raw.js";
import { LostClaimError } from "../../../handlers/drop-to-raw/ledger.js";
import { loadPipeline } from "../../../handlers/shared/pipelines.js";
import { ORDERS_HEADER, orderLine } from "./cases.js";

// Issue #9.2, the faults only a fake AWS can inject: transient SDK errors and throttling (retried, then succeeding,
// never duplicating), and DynamoDB conditional-write races on the ledger. Runs the real converter core
// (processObject + DuckDB); only the AWS clients are fakes.

const CSV = Buffer.from(`${[ORDERS_HEADER, orderLine(1), orderLine(2), orderLine(3, "FR")].join("\n")}\n`);
const SOURCE = { bucket: "drop", key: "orders/ingest_date=2026-11-22/transient.csv", eTag: "abc123" };
const NOW = new Date("2026-11-22T06:00:00Z");
let tmp: string;
const config = (): DropToRawConfig => ({
  rawBucket: "raw",
  quarantineBucket: "quarantine",
  ledgerTable: "ledger",
  tmpDir: tmp,
  threads: 1,
});
const quiet = { info: () => undefined, warn: () => undefined };
const deps = (clients: { s3: S3Client; dynamo: DynamoDBClient }, owner: string): DropToRawDeps => ({
  ...clients,
  logger: quiet,
  clock: () => NOW,
  pipeline: loadPipeline,
  owner,
});
const body = () => Readable.from([CSV]) as unknown as never;
const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    message: `${name}: Please reduce your request rate.`,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

/** Real clients (so lib-storage's Upload sees a real config) whose `send` aws-sdk-client-mock answers. */
function fakes() {
  const clients = {
    s3: new S3Client({ region: "us-east-1" }),
    dynamo: new DynamoDBClient({ region: "us-east-1" }),
  };
  return { s3: mockClient(clients.s3), dynamo: mockClient(clients.dynamo), clients };
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "transient-"));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A stand-in DynamoDB ledger table: evaluates the ledger's three conditional updates (claim, complete, release) on one
 * item, as DynamoDB would, so retries run against real ledger semantics.
 */
function ledgerTable(dynamo: ReturnType<typeof fakes>["dynamo"]) {
  const items = new Map<string, Record<string, { S?: string; N?: string }>>();
  dynamo.on(GetItemCommand).callsFake((input) => ({ Item: items.get(input.Key.pk.S) }));
  dynamo.on(UpdateItemCommand).callsFake((input) => {
    const pk = input.Key.pk.S as string;
    const item = items.get(pk);
    const v = input.ExpressionAttributeValues;
    const expr = input.UpdateExpression as string;
    if (expr.includes("ADD attempts")) {
      const now = Number(v[":now"].N);
      if (item && !(item["status"]?.S === "processing" && Number(item["lease_until"]?.N) < now))
        throw new ConditionalCheckFailedException({ message: "claim", $metadata: {} });
      const attempts = Number(item?.["attempts"]?.N ?? 0) + 1;
      const next = {
        pk: { S: pk },
        status: { S: "processing" },
        owner: v[":owner"],
        lease_until: v[":lease"],
        attempts: { N: String(attempts) },
      };
      items.set(pk, next);
      return { Attributes: next };
    }
    if (item?.["status"]?.S !== "processing" || item["owner"]?.S !== v[":owner"].S)
      throw new ConditionalCheckFailedException({ message: "owner", $metadata: {} });
    if (expr.includes(":done"))
      items.set(pk, {
        pk: { S: pk },
        status: { S: "done" },
        attempts: item["attempts"] as { N: string },
        rows_out: v[":out"],
      });
    else items.set(pk, { ...item, lease_until: { N: "0" }, last_error: v[":error"] });
    return {};
  });
  return items;
}

describe("transient errors: the delivery fails, gives its claim back, and the retry converts exactly once", () => {
  it("a throttled GetObject (503 SlowDown)", async () => {
    const { s3, dynamo, clients } = fakes();
    const items = ledgerTable(dynamo);
    s3.on(GetObjectCommand)
      .rejectsOnce(s3Error("SlowDown", 503))
      .resolves({ Body: body(), LastModified: NOW });
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });

    await expect(processObject(SOURCE, config(), deps(clients, "a1"))).rejects.toThrow(/SlowDown/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect([...items.values()][0]).toMatchObject({ status: { S: "processing" }, lease_until: { N: "0" } });

    const outcome = await processObject(SOURCE, config(), deps(clients, "a2"));

    expect(outcome).toMatchObject({ status: "converted", rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
    // Partitions upload in parallel: compare as sets.
    expect(
      s3
        .commandCalls(PutObjectCommand)
        .map((c) => c.args[0].input.Key)
        .sort(),
    ).toEqual(outcome.status === "converted" ? [...outcome.rawKeys].sort() : []);
    expect([...items.values()][0]).toMatchObject({ status: { S: "done" }, attempts: { N: "2" } });
  });

  it("a throttled upload after a good conversion: the retry writes the same keys, so nothing is duplicated", async () => {
    const { s3, dynamo, clients } = fakes();
    const items = ledgerTable(dynamo);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(), LastModified: NOW }));
    s3.on(PutObjectCommand).rejectsOnce(s3Error("SlowDown", 503)).resolves({ ETag: '"x"' });

    await expect(processObject(SOURCE, config(), deps(clients, "b1"))).rejects.toThrow(/SlowDown/);
    const firstKeys = new Set(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key));
    const before = s3.commandCalls(PutObjectCommand).length; // (resetHistory would re-arm rejectsOnce)

    const outcome = await processObject(SOURCE, config(), deps(clients, "b2"));

    const keys = s3
      .commandCalls(PutObjectCommand)
      .slice(before)
      .map((c) => c.args[0].input.Key);
    expect(outcome).toMatchObject({ status: "converted", rowsOut: 3 });
    expect(keys).toHaveLength(2); // country=DE and country=FR
    for (const key of firstKeys) expect(keys).toContain(key);
    expect([...items.values()][0]).toMatchObject({ status: { S: "done" }, attempts: { N: "2" } });
  });

  it("DynamoDB throttling on the claim: nothing is read or written, the retry converts", async () => {
    const { s3, dynamo, clients } = fakes();
    ledgerTable(dynamo);
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(), LastModified: NOW }));
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });

    await expect(processObject(SOURCE, config(), deps(clients, "c1"))).rejects.toThrow(/slow down/);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe("the SDK's own retries, with the handlers' client settings (standard mode, 3 attempts)", () => {
  /** A request handler that answers like S3/DynamoDB, failing the first `failures` requests of each kind. */
  function flaky(failures: Record<string, number>) {
    const seen: Record<string, number> = {};
    const requests: string[] = [];
    const handler = {
      handle: async (request: { method: string; path: string; headers: Record<string, string> }) => {
        const target = request.headers["x-amz-target"];
        const kind = target
          ? (target.split(".")[1] ?? "")
          : `${request.method} ${request.path.split("/")[1] ?? ""}`;
        requests.push(kind);
        seen[kind] = (seen[kind] ?? 0) + 1;
        const fail = (seen[kind] ?? 0) <= (failures[kind] ?? 0);
        const respond = (statusCode: number, headers: Record<string, string>, text: string | Buffer) => ({
          // What @smithy/protocol-http's HttpResponse holds (that package is not a direct dependency).
          response: { statusCode, headers, body: Readable.from([Buffer.from(text)]) },
        });
        if (target) {
          if (fail)
            return respond(
              400,
              { "content-type": "application/x-amz-json-1.0" },
              JSON.stringify({
                __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                message: "Rate exceeded",
              }),
            );
          return respond(
            200,
            { "content-type": "application/x-amz-json-1.0" },
            JSON.stringify({ Attributes: { attempts: { N: "1" } } }),
          );
        }
        if (fail)
          return respond(
            503,
            { "content-type": "application/xml" },
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
          );
        if (request.method === "GET")
          return respond(
            200,
            { etag: '"abc123"', "last-modified": NOW.toUTCString(), "content-length": String(CSV.length) },
            CSV,
          );
        return respond(200, { etag: '"x"' }, "");
      },
    };
    return { handler, requests };
  }

  it("retries throttled S3 and DynamoDB calls inside one delivery and converts", async () => {
    const { handler, requests } = flaky({ "GET drop": 2, "PUT raw": 1, UpdateItem: 1 });
    const common = {
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      requestHandler: handler as never,
    };
    const s3 = new S3Client({ ...common, endpoint: "http://s3.local", forcePathStyle: true });
    const dynamo = new DynamoDBClient({ ...common, endpoint: "http://dynamodb.local" });

    const outcome = await processObject(SOURCE, config(), deps({ s3, dynamo }, "d1"));

    expect(outcome).toMatchObject({ status: "converted", rowsIn: 3, rowsOut: 3 });
    expect(requests.filter((r) => r === "GET drop")).toHaveLength(3);
    expect(requests.filter((r) => r === "UpdateItem")).toHaveLength(3); // claim (throttled, retried) + complete
    expect(requests.filter((r) => r === "PUT raw")).toHaveLength(3); // two partitions, one throttled once
  }, 30_000);

  it("gives up after 3 attempts: the delivery fails (SQS retries it) and the claim is given back", async () => {
    const { handler, requests } = flaky({ "GET drop": 3 });
    const common = {
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      requestHandler: handler as never,
    };
    const s3 = new S3Client({ ...common, endpoint: "http://s3.local", forcePathStyle: true });
    const dynamo = new DynamoDBClient({ ...common, endpoint: "http://dynamodb.local" });

    await expect(processObject(SOURCE, config(), deps({ s3, dynamo }, "e1"))).rejects.toThrow(
      /reduce your request rate/,
    );
    expect(requests).toEqual(["UpdateItem", "GET drop", "GET drop", "GET drop", "UpdateItem"]);
  }, 30_000);
});

describe("conditional-write races on the ledger", () => {
  it("a claim lost to a live delivery answers in-progress and touches nothing", async () => {
    const { s3, dynamo, clients } = fakes();
    dynamo
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "x", $metadata: {} }));
    dynamo.on(GetItemCommand).resolves({
      Item: {
        status: { S: "processing" },
        owner: { S: "other" },
        lease_until: { N: String(NOW.getTime() / 1000 + 300) },
      },
    });

    const outcome = await processObject(SOURCE, config(), deps(clients, "f1"));

    expect(outcome).toMatchObject({ status: "in-progress", owner: "other" });
    expect(s3.calls()).toHaveLength(0);
  });

  it("a claim lost to a delivery that just finished answers already-processed", async () => {
    const { s3, dynamo, clients } = fakes();
    dynamo
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "x", $metadata: {} }));
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { status: { S: "done" }, outcome: { S: "converted" }, rows_out: { N: "3" } } });

    const outcome = await processObject(SOURCE, config(), deps(clients, "g1"));

    expect(outcome).toMatchObject({
      status: "already-processed",
      previous: { outcome: "converted", rowsOut: 3 },
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it("an item released between the failed claim and the read: the claim is tried again and wins", async () => {
    const { s3, dynamo, clients } = fakes();
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: "x", $metadata: {} }))
      .resolves({ Attributes: { attempts: { N: "2" } } });
    dynamo.on(GetItemCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(), LastModified: NOW }));
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });

    const outcome = await processObject(SOURCE, config(), deps(clients, "h1"));

    expect(outcome).toMatchObject({ status: "converted", rowsOut: 3 });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(3); // claim, claim, complete
  });

  it("a claim taken over while converting (lease expired): completing fails, nothing is recorded twice", async () => {
    const { s3, dynamo, clients } = fakes();
    const items = ledgerTable(dynamo);
    s3.on(GetObjectCommand).callsFake(() => {
      // Another delivery takes the item over while this one converts.
      for (const item of items.values()) item["owner"] = { S: "usurper" };
      return { Body: body(), LastModified: NOW };
    });
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });

    await expect(processObject(SOURCE, config(), deps(clients, "i1"))).rejects.toBeInstanceOf(LostClaimError);
    // The usurper's claim is left alone (the release is conditional on our ownership).
    expect([...items.values()][0]).toMatchObject({ status: { S: "processing" }, owner: { S: "usurper" } });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });
});
