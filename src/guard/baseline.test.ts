import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BASELINE_STACKS,
  baselinePath,
  compareBaseline,
  describeDiffs,
  readBaseline,
  renderBaseline,
  statefulAddresses,
  UPDATE_COMMAND,
  updateBaselines,
} from "./baseline.js";
import { currentAddresses } from "./baseline-command.js";

const resource = (path: string) => ({ "//": { metadata: { path } } });

describe("the committed baseline of stateful addresses", () => {
  it("matches the synthesized stacks: no stateful resource renamed, removed or added without an update", async () => {
    const current = await currentAddresses();
    const baselines = Object.fromEntries(BASELINE_STACKS.map((s) => [s, readBaseline(s) ?? {}]));
    const diffs = BASELINE_STACKS.map((s) => compareBaseline(s, baselines[s] ?? {}, current[s] ?? {})).filter(
      (d) => d.missing.length + d.added.length > 0,
    );

    // The message is the instruction: what changed, what Terraform would do, and the exact command.
    expect(diffs, describeDiffs(diffs, baselines, current)).toEqual([]);
  });

  it("covers the buckets and keys of every stack it guards", () => {
    for (const stack of BASELINE_STACKS) {
      const types = new Set(Object.keys(readBaseline(stack) ?? {}).map((a) => a.split(".")[0]));
      expect([stack, types.has("aws_s3_bucket"), types.has("aws_kms_key")]).toEqual([stack, true, true]);
    }
  });
});

describe("statefulAddresses", () => {
  it("keeps the stateful types only, by address, with the construct path below the stack", () => {
    const stack = {
      resource: {
        aws_s3_bucket: { "zone-raw_bucket_E35E09B4": resource("test/zone-raw/bucket") },
        aws_glue_catalog_table: { orders: resource("test/catalog/orders") },
        aws_sqs_queue: { q: resource("test/q") },
      },
    };

    expect(statefulAddresses(stack)).toEqual({
      "aws_glue_catalog_table.orders": "catalog/orders",
      "aws_s3_bucket.zone-raw_bucket_E35E09B4": "zone-raw/bucket",
    });
  });
});

describe("describeDiffs", () => {
  it("names a renamed construct as a destroy, points at the likely new address, and gives the removal command", () => {
    const baseline = { "aws_s3_bucket.zone-raw_bucket_E35E09B4": "zone-raw/bucket" };
    const current = { "aws_s3_bucket.zone-raw2_bucket_11111111": "zone-raw2/bucket" };
    const diff = compareBaseline("test", baseline, current);

    const message = describeDiffs([diff], { test: baseline }, { test: current });

    expect(diff).toEqual({
      stack: "test",
      missing: ["aws_s3_bucket.zone-raw_bucket_E35E09B4"],
      added: ["aws_s3_bucket.zone-raw2_bucket_11111111"],
    });
    expect(message).toContain(
      "test: aws_s3_bucket.zone-raw_bucket_E35E09B4 (zone-raw/bucket) is gone from the synth: Terraform would DESTROY it. New aws_s3_bucket in the synth: aws_s3_bucket.zone-raw2_bucket_11111111 (a renamed construct id?)",
    );
    expect(message).toContain(`run \`${UPDATE_COMMAND} --accept-removals\``);
  });

  it("asks for the plain update command when resources were only added", () => {
    const current = { "aws_dynamodb_table.runs_table_0A0A0A0A": "runs/table" };
    const message = describeDiffs(
      [compareBaseline("sandbox", {}, current)],
      { sandbox: {} },
      { sandbox: current },
    );

    expect(message).toBe(
      [
        "sandbox: aws_dynamodb_table.runs_table_0A0A0A0A (runs/table) is new and not in the baseline yet.",
        "",
        `New stateful resources: run \`${UPDATE_COMMAND}\` and commit src/guard/baseline/ with your change.`,
      ].join("\n"),
    );
  });
});

describe("updateBaselines", () => {
  it("adds new addresses, but refuses to drop missing ones without acceptRemovals", () => {
    const dir = mkdtempSync(join(tmpdir(), "event-lake-baseline-"));
    writeFileSync(baselinePath("test", dir), renderBaseline("test", { "aws_kms_key.old_key": "old/key" }));

    const refused = updateBaselines({ test: { "aws_kms_key.new_key": "new/key" } }, { dir });
    const unchanged = readFileSync(baselinePath("test", dir), "utf8");
    const accepted = updateBaselines(
      { test: { "aws_kms_key.new_key": "new/key" } },
      { dir, acceptRemovals: true },
    );

    expect(refused).toEqual({
      written: [],
      refused: [{ stack: "test", missing: ["aws_kms_key.old_key"], added: ["aws_kms_key.new_key"] }],
    });
    expect(unchanged).toContain("aws_kms_key.old_key");
    expect(accepted.written).toEqual([baselinePath("test", dir)]);
    expect(readBaseline("test", dir)).toEqual({ "aws_kms_key.new_key": "new/key" });
    expect(updateBaselines({ test: { "aws_kms_key.new_key": "new/key" } }, { dir }).written).toEqual([]);
  });
});
