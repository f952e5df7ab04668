import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Ledger, type LedgerSource, LostClaimError, MAX_LISTED_KEYS } from "./ledger.js";

const dynamo = mockClient(DynamoDBClient);
const NOW = new Date("2026-11-21T10:00:00.000Z");
const EPOCH = NOW.getTime() / 1000;
const source: LedgerSource = {
  pk: "s3://drop/orders/run.csv#etag=abc",
  bucket: "drop",
  key: "orders/run.csv",
  versionId: undefined,
  eTag: "abc",
  pipeline: "orders",
};
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

let ledger: Ledger;
beforeEach(() => {
  dynamo.reset();
  ledger = new Ledger(new DynamoDBClient({ region: "us-east-1" }), "ledger", () => NOW);
});

describe("Ledger.claim", () => {
  it("claims with a conditional update: new item, or an expired processing lease", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: "1" } } });

    // act
    const claim = await ledger.claim(source, "worker-1", 900);

    // assess
    expect(claim).toEqual({ claimed: true, attempt: 1 });
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      "attribute_not_exists(pk) OR (#status = :processing AND lease_until < :now)",
    );
    expect(input?.Key).toEqual({ pk: { S: "s3://drop/orders/run.csv#etag=abc" } });
    expect(input?.UpdateExpression).toBe(
      "SET #status = :processing, #owner = :owner, lease_until = :lease, claimed_at = :at, " +
        "source_bucket = :bucket, source_key = :key, pipeline = :pipeline, etag = :etag ADD attempts :one",
    );
    expect(input?.ExpressionAttributeValues).toEqual({
      ":processing": { S: "processing" },
      ":now": { N: String(EPOCH) },
      ":owner": { S: "worker-1" },
      ":lease": { N: String(EPOCH + 900) },
      ":at": { S: "2026-11-21T10:00:00.000Z" },
      ":bucket": { S: "drop" },
      ":key": { S: "orders/run.csv" },
      ":pipeline": { S: "orders" },
      ":one": { N: "1" },
      ":etag": { S: "abc" },
    });
  });

  it("reports an object already done, with its counts", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: {
        pk: { S: source.pk },
        status: { S: "done" },
        outcome: { S: "converted" },
        rows_in: { N: "12" },
        rows_out: { N: "10" },
        rows_rejected: { N: "2" },
        completed_at: { S: "2026-11-21T09:00:00.000Z" },
      },
    });

    // act
    const claim = await ledger.claim(source, "worker-2", 900);

    // assess
    expect(claim).toEqual({
      claimed: false,
      status: "done",
      item: {
        outcome: "converted",
        rowsIn: 12,
        rowsOut: 10,
        rowsRejected: 2,
        completedAt: "2026-11-21T09:00:00.000Z",
      },
    });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it("reports a live claim of another delivery", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: { status: { S: "processing" }, owner: { S: "worker-1" }, lease_until: { N: String(EPOCH + 60) } },
    });

    // act
    const claim = await ledger.claim(source, "worker-2", 900);

    // assess
    expect(claim).toEqual({
      claimed: false,
      status: "processing",
      owner: "worker-1",
      leaseUntil: EPOCH + 60,
    });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it("tries again when the other claim was released between the write and the read", async () => {
    // prepare
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: { attempts: { N: "2" } } });
    dynamo.on(GetItemCommand).resolves({
      Item: { status: { S: "processing" }, owner: { S: "worker-1" }, lease_until: { N: "0" } },
    });

    // act
    const claim = await ledger.claim(source, "worker-2", 900);

    // assess
    expect(claim).toEqual({ claimed: true, attempt: 2 });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(2);
  });

  it("passes on errors other than the condition", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).rejects(new Error("throttled"));

    // act / assess
    await expect(ledger.claim(source, "worker-1", 900)).rejects.toThrow("throttled");
  });
});

describe("Ledger.complete and release", () => {
  it("records done with counts and keys, only while the claim is ours", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).resolves({});
    const rawKeys = Array.from({ length: MAX_LISTED_KEYS + 5 }, (_, i) => `orders/k${i}.parquet`);

    // act
    await ledger.complete(source.pk, "worker-1", {
      outcome: "converted",
      rowsIn: 12,
      rowsOut: 10,
      rowsRejected: 2,
      rawKeys,
      quarantineKeys: ["orders/q.ndjson"],
    });

    // assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe("#status = :processing AND #owner = :owner");
    expect(input?.UpdateExpression).toBe(
      "SET #status = :done, outcome = :outcome, completed_at = :at, rows_in = :in, rows_out = :out, " +
        "rows_rejected = :rejected, raw_keys = :raw, quarantine_keys = :quarantine, output_count = :count " +
        "REMOVE lease_until, last_error",
    );
    const values = input?.ExpressionAttributeValues ?? {};
    expect([values[":in"], values[":out"], values[":rejected"], values[":count"]]).toEqual([
      { N: "12" },
      { N: "10" },
      { N: "2" },
      { N: String(MAX_LISTED_KEYS + 6) },
    ]);
    expect(values[":raw"]?.L).toHaveLength(MAX_LISTED_KEYS);
    expect(values[":quarantine"]).toEqual({ L: [{ S: "orders/q.ndjson" }] });
  });

  it("fails with LostClaimError when the lease was taken over", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());

    // act / assess
    await expect(
      ledger.complete(source.pk, "worker-1", {
        outcome: "skipped",
        rowsIn: 0,
        rowsOut: 0,
        rowsRejected: 0,
        rawKeys: [],
        quarantineKeys: [],
        reason: "gone",
      }),
    ).rejects.toThrow(LostClaimError);
  });

  it("release expires the lease and keeps the error, and ignores a claim that is no longer ours", async () => {
    // prepare
    dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());

    // act
    await ledger.release(source.pk, "worker-1", "boom");
    await ledger.release(source.pk, "worker-1", "boom again");

    // assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe("SET lease_until = :zero, last_error = :error");
    expect(input?.ExpressionAttributeValues?.[":error"]).toEqual({ S: "boom" });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(2);
  });
});
