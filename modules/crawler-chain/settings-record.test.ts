import { DataResource, TerraformStack, Testing } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { SettingsRecord } from "./settings-record.js";

const SETTINGS = {
  name: "lake-crawl-drop",
  s3Target: [{ path: "s3://${aws_s3_bucket.drop.bucket}/orders/", eventQueueArn: "arn:q" }],
  recrawlPolicy: { recrawlBehavior: "CRAWL_EVENT_MODE" },
  tags: { "Cost Center": "data" },
};

/** The stack's resources as JSON, or as HCL (what `cdktf synth --hcl` writes). */
function synth(make: (stack: TerraformStack) => void, hcl = false): string {
  const stack = new TerraformStack(Testing.app(), "s");
  make(stack);
  return hcl ? Testing.synthHcl(stack) : Testing.synth(stack);
}

describe("SettingsRecord", () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it.each([false, true])("writes what cdktf's DataResource writes (HCL: %s)", (hcl) => {
    // act
    const ours = synth((stack) => new SettingsRecord(stack, "settings", SETTINGS), hcl);
    const theirs = synth((stack) => new DataResource(stack, "settings", { input: SETTINGS }), hcl);

    // assess
    expect(ours).toBe(theirs);
    expect(ours).toContain("terraform_data");
    expect(ours).toContain("Cost Center");
    expect(ours).toContain(hcl ? 'resource "terraform_data" "settings"' : '"terraform_data": {');
  });

  it("validates without running terraform (DataResource's version check needs it on PATH)", () => {
    // prepare
    const app = Testing.app();
    const ours = new SettingsRecord(new TerraformStack(app, "ours"), "settings", SETTINGS);
    const theirs = new DataResource(new TerraformStack(app, "theirs"), "settings", { input: SETTINGS });
    process.env.PATH = "";

    // act / assess
    expect(ours.node.validate()).toEqual([]);
    expect(theirs.node.validate().join("\n")).toMatch(/Could not determine version of terraform/);
  });
});
