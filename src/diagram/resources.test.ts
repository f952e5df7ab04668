import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RESOURCES_FILE, renderIndex, resourceIndex } from "./resources.js";

describe("renderIndex", () => {
  it("writes one table row per resource type and owner", () => {
    const text = renderIndex([
      {
        type: "aws_s3_bucket",
        owner: "modules/zone-bucket (ZoneBucket)",
        stacks: ["test", "local"],
        example: "zone-drop/bucket",
      },
      { type: "aws_sqs_queue", owner: "src/stacks", stacks: ["test"], example: "ingest-failures" },
    ]);
    expect(text).toContain("2 resource types, 2 rows.");
    expect(text.split("\n").filter((l) => l.startsWith("| `"))).toEqual([
      "| `aws_s3_bucket` | modules/zone-bucket (ZoneBucket) | test, local | `zone-drop/bucket`  |",
      "| `aws_sqs_queue` | src/stacks                       | test        | `ingest-failures`   |",
    ]);
  });
});

describe(RESOURCES_FILE, () => {
  it("is what the stacks synthesize today", async () => {
    const rows = await resourceIndex();
    // Spot checks that the owner is the enclosing module, not the stack.
    expect(rows.find((r) => r.type === "aws_dynamodb_table")?.owner).toBe(
      "modules/ledger-table (LedgerTable)",
    );
    expect(rows.filter((r) => r.type === "aws_s3_bucket").map((r) => r.owner)).toContain(
      "modules/zone-bucket (ZoneBucket)",
    );
    expect(
      readFileSync(RESOURCES_FILE, "utf8"),
      `${RESOURCES_FILE} is stale: a construct or resource changed. Run \`make resources\` and commit ${RESOURCES_FILE}.`,
    ).toBe(renderIndex(rows));
  }, 120_000);
});
