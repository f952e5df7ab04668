import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { lakeParts, PERSONA_ROLE_NAMES } from "./lake-parts.js";
import { maskHashes } from "./synth.js";

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

const synth = (stack: TerraformStack) => maskHashes(JSON.parse(Testing.synth(stack)) as Json);
const names = (json: Json, type: string, attribute: string) =>
  Object.values(json.resource[type] ?? {})
    .map((r) => r[attribute])
    .sort();

describe("lakeParts", () => {
  it("builds the context, the drop/raw/curated zones and the catalog only, unless asked", () => {
    const stack = new TerraformStack(Testing.app(), "parts");

    const parts = lakeParts(stack);

    const json = synth(stack);
    expect(Object.keys(parts).sort()).toEqual(["catalog", "context", "zones"]);
    expect(Object.keys(parts.zones)).toEqual(["drop", "raw", "curated"]);
    expect(names(json, "aws_s3_bucket", "bucket")).toEqual([
      "event-lake-test-curated-111111111111",
      "event-lake-test-drop-111111111111",
      "event-lake-test-raw-111111111111",
    ]);
    expect(names(json, "aws_glue_catalog_database", "name")).toEqual([
      "event_lake_test_curated",
      "event_lake_test_drop",
      "event_lake_test_raw",
    ]);
    expect(json.resource["aws_athena_workgroup"]).toBeUndefined();
    expect(json.resource["aws_vpc"]).toBeUndefined();
    expect(json.resource["aws_iam_role"]).toBeUndefined();
  });

  it("builds what it is asked for, with the ids and names the module tests pin", () => {
    const stack = new TerraformStack(Testing.app(), "parts");

    const parts = lakeParts(stack, {
      quarantine: true,
      workgroups: ["lake", "analysts"],
      network: { natGateway: true },
      personas: true,
    });

    const json = synth(stack);
    expect(Object.keys(parts).sort()).toEqual([
      "catalog",
      "context",
      "network",
      "personas",
      "results",
      "workgroups",
      "zones",
    ]);
    expect(Object.keys(json.resource["aws_s3_bucket"] ?? {}).sort()).toEqual([
      "zone-athena-results_bucket",
      "zone-curated_bucket",
      "zone-drop_bucket",
      "zone-quarantine_bucket",
      "zone-raw_bucket",
    ]);
    expect(names(json, "aws_athena_workgroup", "name")).toEqual([
      "event-lake-test-analysts",
      "event-lake-test-lake",
    ]);
    expect(Object.keys(json.resource["aws_athena_workgroup"] ?? {}).sort()).toEqual([
      "workgroup-analysts_workgroup",
      "workgroup-lake_workgroup",
    ]);
    expect(json.resource["aws_vpc"]?.["network_vpc"]).toMatchObject({
      tags: { Name: "event-lake-test-vpc" },
    });
    expect(Object.keys(json.resource["aws_nat_gateway"] ?? {})).toHaveLength(1);
    expect(names(json, "aws_iam_role", "name")).toEqual(
      [...Object.values(PERSONA_ROLE_NAMES), "event-lake-test-vpc-flow-logs"].sort(),
    );
  });

  it("refuses personas without the quarantine zone and both workgroups", () => {
    const stack = new TerraformStack(Testing.app(), "parts");

    const build = () => lakeParts(stack, { quarantine: true, workgroups: ["analysts"], personas: true });

    expect(build).toThrow(
      'lakeParts: personas need quarantine: true and the workgroups "lake" and "analysts"',
    );
  });
});
