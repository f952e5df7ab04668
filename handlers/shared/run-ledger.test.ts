import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { transformKey } from "../../src/core/run-ledger.js";
import { markRawChanged } from "./run-ledger.js";

describe("markRawChanged", () => {
  const dynamo = mockClient(DynamoDBClient);
  beforeEach(() => dynamo.reset());
  const at = new Date("2026-11-22T08:00:00.000Z");

  it("updates each date's existing item once, in date order, and returns the dates it found", async () => {
    // prepare: 2026-11-10's item exists, 2026-11-11 was never claimed
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: { pk: { S: string } } }) => {
      if (input.Key.pk.S === transformKey("orders", "2026-11-11"))
        throw new ConditionalCheckFailedException({ message: "no item", $metadata: {} });
      return {};
    });

    // act
    const marked = await markRawChanged(new DynamoDBClient({}), "runs", {
      pipeline: "orders",
      dates: ["2026-11-11", "2026-11-10", "2026-11-10"],
      at,
      by: "s3://drop/orders/x.csv#v=2",
    });

    // assess
    expect(marked).toEqual(["2026-11-10"]);
    expect(dynamo.commandCalls(UpdateItemCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: "runs",
        Key: { pk: { S: "transform#orders#2026-11-10" } },
        UpdateExpression: "SET raw_changed_at = :at, raw_changed_by = :by",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":at": { S: "2026-11-22T08:00:00.000Z" },
          ":by": { S: "s3://drop/orders/x.csv#v=2" },
        },
      },
      expect.objectContaining({ Key: { pk: { S: "transform#orders#2026-11-11" } } }),
    ]);
  });

  it("throws any other error, so the record is retried rather than the change forgotten", async () => {
    dynamo
      .on(UpdateItemCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));
    await expect(
      markRawChanged(new DynamoDBClient({}), "runs", {
        pipeline: "orders",
        dates: ["2026-11-10"],
        at,
        by: "x",
      }),
    ).rejects.toThrow("slow down");
  });
});
