import { describe, expect, it } from "vitest";
import { markDatesRawChanged, type RawChangedUpdate, rawChangedSinceRun } from "./run-ledger.js";

describe("rawChangedSinceRun", () => {
  it.each([
    [
      "changed after the claim",
      { claimedAt: "2026-11-21T01:00:00.000Z", rawChangedAt: "2026-11-21T02:00:00.000Z" },
      true,
    ],
    [
      "changed before the claim",
      { claimedAt: "2026-11-21T03:00:00.000Z", rawChangedAt: "2026-11-21T02:00:00.000Z" },
      false,
    ],
    ["never changed", { claimedAt: "2026-11-21T03:00:00.000Z" }, false],
    // the local runner finishes a date without claiming it: its finish time stands in
    [
      "unclaimed, changed after it finished",
      { finishedAt: "2026-11-21T01:00:00.000Z", rawChangedAt: "2026-11-21T02:00:00.000Z" },
      true,
    ],
    [
      "unclaimed, changed before it finished",
      { finishedAt: "2026-11-21T03:00:00.000Z", rawChangedAt: "2026-11-21T02:00:00.000Z" },
      false,
    ],
    [
      "the claim counts, not the finish",
      {
        claimedAt: "2026-11-21T01:00:00.000Z",
        finishedAt: "2026-11-21T03:00:00.000Z",
        rawChangedAt: "2026-11-21T02:00:00.000Z",
      },
      true,
    ],
  ])("%s -> %s", (_, item, expected) => {
    expect(rawChangedSinceRun(item)).toBe(expected);
  });
});

describe("markDatesRawChanged", () => {
  const change = {
    pipeline: "orders",
    dates: ["2026-11-11", "2026-11-10", "2026-11-10"],
    at: new Date("2026-11-22T08:00:00.000Z"),
    by: "curated/redo by ana",
  };

  it("sends one update per date, in date order, and returns the dates whose item exists", async () => {
    // prepare: 2026-11-10's item exists, 2026-11-11 was never claimed
    const sent: RawChangedUpdate[] = [];
    const update = async (input: RawChangedUpdate) => {
      sent.push(input);
      if (input.Key.pk.S === "transform#orders#2026-11-11")
        throw Object.assign(new Error("no item"), { name: "ConditionalCheckFailedException" });
    };

    // act
    const marked = await markDatesRawChanged(update, "runs", change);

    // assess
    expect(marked).toEqual(["2026-11-10"]);
    expect(sent).toEqual([
      {
        TableName: "runs",
        Key: { pk: { S: "transform#orders#2026-11-10" } },
        UpdateExpression: "SET raw_changed_at = :at, raw_changed_by = :by",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":at": { S: "2026-11-22T08:00:00.000Z" },
          ":by": { S: "curated/redo by ana" },
        },
      },
      {
        TableName: "runs",
        Key: { pk: { S: "transform#orders#2026-11-11" } },
        UpdateExpression: "SET raw_changed_at = :at, raw_changed_by = :by",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":at": { S: "2026-11-22T08:00:00.000Z" },
          ":by": { S: "curated/redo by ana" },
        },
      },
    ]);
  });

  it("throws any other error, so the change is retried rather than forgotten", async () => {
    const update = async () => {
      throw Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" });
    };
    await expect(markDatesRawChanged(update, "runs", change)).rejects.toThrow("slow down");
  });
});
