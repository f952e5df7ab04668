import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  ChangeMessageVisibilityCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeEach, describe, expect, it } from "vitest";
import { lake, output } from "../../src/testing/lake.js";
import { motoClientConfig } from "../../src/testing/moto.js";

// Against the local stack applied to moto: real S3 notifications, SNS fan-out and SQS redrive.
const sqs = () => new SQSClient(motoClientConfig(lake().endpoint));
const s3 = () => new S3Client(motoClientConfig(lake().endpoint));

async function receiveAll(queueUrl: string, waitSeconds = 2): Promise<Message[]> {
  const { Messages } = await sqs().send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  return Messages ?? [];
}

/** Receives until `count` messages arrived or `seconds` passed (moto delivers S3 -> SNS -> SQS asynchronously). */
async function receiveCount(queueUrl: string, count: number, seconds = 6): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (messages.length < count && Date.now() < deadline) messages.push(...(await receiveAll(queueUrl, 1)));
  return messages;
}

function s3Records(message: Message): { bucket: string; key: string; event: string }[] {
  const body = JSON.parse(message.Body ?? "{}") as {
    Records?: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[];
  };
  return (body.Records ?? []).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeURIComponent(r.s3.object.key.replace(/\+/g, " ")),
    event: r.eventName,
  }));
}

beforeEach(async () => {
  for (const name of [
    "drop_to_raw_queue_url",
    "catalog_drop_queue_url",
    "catalog_raw_queue_url",
    "catalog_raw_dlq_url",
  ])
    await sqs().send(new PurgeQueueCommand({ QueueUrl: output(name) }));
});

describe("drop zone events fan out to one queue per consumer", () => {
  it("delivers an object created under a pipeline's prefix to the converter and the catalog queue, as the bare S3 event", async () => {
    const bucket = output("drop_bucket_name");
    const key = "orders/ingest_date=2026-11-21/run 1.csv";

    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "order_id\n1\n" }));
    const converter = await receiveAll(output("drop_to_raw_queue_url"));
    const catalog = await receiveAll(output("catalog_drop_queue_url"));

    expect(converter.flatMap(s3Records)).toEqual([
      { bucket, key, event: expect.stringMatching(/^ObjectCreated:/) },
    ]);
    expect(catalog.flatMap(s3Records)).toEqual([
      { bucket, key, event: expect.stringMatching(/^ObjectCreated:/) },
    ]);
  });

  it("keeps the reserved _ keys out of the catalog queue, whatever the pipelines, but not from the converter", async () => {
    const bucket = output("drop_bucket_name");

    await s3().send(
      new PutObjectCommand({ Bucket: bucket, Key: "_firehose-errors/orders/failed.gz", Body: "x\n" }),
    );
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "unknown/file.csv", Body: "x\n" }));
    const converter = await receiveCount(output("drop_to_raw_queue_url"), 2);
    const catalog = await receiveCount(output("catalog_drop_queue_url"), 2, 4);

    expect(
      converter
        .flatMap(s3Records)
        .map((r) => r.key)
        .sort(),
    ).toEqual(["_firehose-errors/orders/failed.gz", "unknown/file.csv"]);
    // A key under no pipeline reaches the drop crawler's queue (no pipeline list in the filter); the crawler has no
    // target there, and the converter quarantines the file as of an unknown pipeline.
    expect(catalog.flatMap(s3Records).map((r) => r.key)).toEqual(["unknown/file.csv"]);
  });
});

describe("dead-letter queues", () => {
  it("moves a message that fails maxReceiveCount (5) times to the DLQ", async () => {
    const queueUrl = output("catalog_raw_queue_url");
    await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"poison":true}' }));

    for (let attempt = 1; attempt <= 5; attempt++) {
      const [message] = await receiveAll(queueUrl, 1);
      expect(message?.Body, `receive ${attempt}`).toBe('{"poison":true}');
      // The consumer fails: the message becomes visible again at once.
      await sqs().send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    const afterLast = await receiveAll(queueUrl, 1);
    const dead = await receiveAll(output("catalog_raw_dlq_url"));

    expect(afterLast).toEqual([]);
    expect(dead.map((m) => m.Body)).toEqual(['{"poison":true}']);
  });
});
