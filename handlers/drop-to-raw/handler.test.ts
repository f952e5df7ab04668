import { readFileSync } from "node:fs";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { Context, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const dynamo = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const event = JSON.parse(
  readFileSync(new URL("./fixtures/sqs-event.json", import.meta.url), "utf8"),
) as SQSEvent;
const context = {
  functionName: "event-lake-test-drop-to-raw",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context;

describe("handler", () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.stubEnv("RAW_BUCKET", "raw");
    vi.stubEnv("QUARANTINE_BUCKET", "quarantine");
    vi.stubEnv("LEDGER_TABLE", "ledger");
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("fails only the bad record and the object another delivery is converting", async () => {
    // prepare: the ledger says the object in record 1 is claimed by a live delivery
    dynamo
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "conditional request failed", $metadata: {} }));
    dynamo.on(GetItemCommand).resolves({
      Item: { status: { S: "processing" }, owner: { S: "other" }, lease_until: { N: "99999999999" } },
    });
    const { handler } = await import("./handler.js");
    const { logger } = await import("../shared/index.js");
    const logged = vi.spyOn(logger, "error").mockImplementation(() => {});

    // act
    const response = await handler(event, context);

    // assess: record 1 busy, record 2 not an S3 event, record 3 the S3 test event (fine)
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: "059f36b4-87a3-44ab-83d2-661975830a7d" },
        { itemIdentifier: "2e1424d4-f796-459a-8184-9c92662be6da" },
      ],
    });
    const claim = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(claim?.Key).toEqual({
      pk: {
        S: "s3://event-lake-test-drop/orders/ingest_date=2026-11-21/run 2026-11-21T10:00.csv#v=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
      },
    });
    expect(s3.calls()).toHaveLength(0);
    // and each failure is logged with its reason
    const failures = logged.mock.calls.map(
      ([message, extra]) =>
        [message, ...Object.values(extra as { messageId: string; error: Error })] as const,
    );
    expect(failures.map(([message, id, error]) => [message, id, (error as Error).message])).toEqual([
      [
        "record failed",
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "s3://event-lake-test-drop/orders/ingest_date=2026-11-21/run 2026-11-21T10:00.csv#v=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY is being converted by another delivery",
      ],
      [
        "record failed",
        "2e1424d4-f796-459a-8184-9c92662be6da",
        "Records: missing or empty; not an S3 event notification",
      ],
    ]);
  });

  it("refuses to start without its configuration, naming every missing variable", async () => {
    // prepare
    vi.stubEnv("RAW_BUCKET", "");
    vi.stubEnv("LEDGER_TABLE", "");

    // act / assess
    await expect(import("./handler.js")).rejects.toThrow(
      "drop-to-raw configuration: RAW_BUCKET is not set; LEDGER_TABLE is not set",
    );
  });
});
