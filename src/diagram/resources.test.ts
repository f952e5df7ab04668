import { readFileSync } from "node:fs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { createdBy } from "../../modules/aws-context/index.js";
import { IngestSchedules } from "../../modules/ingest-schedules/index.js";
import { RolePolicy } from "../../modules/role-policy/index.js";
import { moduleCode, ownerOf, RESOURCES_FILE, renderIndex, resourceIndex } from "./resources.js";

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

describe("ownerOf", () => {
  it("names the enclosing module construct first, then the last createdBy record, then src/stacks", async () => {
    const owners = await moduleCode();
    const stack = new TerraformStack(Testing.app(), "owners");
    const bare = new SqsQueue(stack, "bare", { name: "bare" });
    const recorded = new SqsQueue(stack, "recorded", { name: "recorded" });
    createdBy(IngestSchedules, recorded);
    const policy = new RolePolicy(stack, "policy", {
      role: new IamRole(stack, "role", { assumeRolePolicy: "{}" }),
    });
    const inside = new SqsQueue(policy, "inside", { name: "inside" });
    createdBy(IngestSchedules, inside);
    expect([bare, recorded, inside].map((q) => ownerOf(q, owners))).toEqual([
      "src/stacks",
      "modules/ingest-schedules (IngestSchedules)",
      "modules/role-policy (RolePolicy)",
    ]);
  });

  it("refuses a record naming code no module's index exports", async () => {
    const stack = new TerraformStack(Testing.app(), "owners");
    const queue = new SqsQueue(stack, "queue", { name: "q" });
    createdBy(function notExported() {}, queue);
    await expect(async () => ownerOf(queue, await moduleCode())).rejects.toThrow(
      "owners/queue: its createdBy record names notExported, which no modules/*/index.ts exports; export it from its module's index",
    );
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
    // Modules that add no construct level are named through their createdBy records.
    const owner = (example: string) => rows.find((r) => r.example === example)?.owner;
    expect(
      ["ingest-failures", "ingest-failures-alarm", "ingest-scheduler-role", "ingest-schedule-orders"].map(
        owner,
      ),
    ).toEqual(Array(4).fill("modules/ingest-schedules (IngestSchedules)"));
    expect(
      ["logs-key", "logs-key-alias", "tables-key", "layer-duckdb", "producer-airports"].map(owner),
    ).toEqual([
      "modules/aws-context (logGroupKey)",
      "modules/aws-context (logGroupKey)",
      "modules/ledger-table (ledgerTablesKey)",
      "modules/duckdb-layer (DuckdbLayer)",
      "modules/producer-role (ProducerRole)",
    ]);
    // Stacks only compose (issue 17): a resource a stack creates itself shows here.
    expect(rows.filter((r) => r.owner === "src/stacks")).toEqual([]);
    expect(
      readFileSync(RESOURCES_FILE, "utf8"),
      `${RESOURCES_FILE} is stale: a construct or resource changed. Run \`make resources\` and commit ${RESOURCES_FILE}.`,
    ).toBe(renderIndex(rows));
  }, 120_000);
});
