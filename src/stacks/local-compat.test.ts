import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compatFor, LOCAL_GAPS } from "./local-compat.js";

describe("local compatibility", () => {
  it("ignores moto's echo differences in the local stack only", async () => {
    const { synthApp } = await import("../testing/synth.js");
    const { stacks } = await synthApp({ environments: ["local", "test"] });
    const lifecycles = (env: string, type: string) =>
      Object.values(stacks[env]?.resource[type] ?? {}).map((r) => r["lifecycle"]);

    expect(new Set(lifecycles("local", "aws_lambda_function").map((l) => JSON.stringify(l)))).toEqual(
      new Set([JSON.stringify({ ignore_changes: ["logging_config"] })]),
    );
    expect(
      lifecycles("local", "aws_sqs_queue").every(
        (l) => JSON.stringify(l) === '{"ignore_changes":["redrive_policy"]}',
      ),
    ).toBe(true);
    expect(lifecycles("test", "aws_lambda_function").every((l) => l === undefined)).toBe(true);
    expect(lifecycles("test", "aws_sqs_queue").every((l) => l === undefined)).toBe(true);
  });

  it("lists every gap in docs/local-gaps.md", () => {
    const gaps = readFileSync("docs/local-gaps.md", "utf8");
    for (const gap of LOCAL_GAPS) expect(gaps, gap.id).toMatch(new RegExp(`\\|\\s*\`${gap.id}\`\\s*\\|`));
  });

  it("changes nothing outside local", () => {
    expect(compatFor({ name: "test" })).toEqual({
      isLocal: false,
      denyInsecureTransport: true,
      sqsRedriveAllowPolicy: true,
      eventSourceMappingsEnabled: true,
      stateMachines: true,
      cloudtrailLogging: true,
      redshift: true,
      quicksight: true,
      xraySamplingRules: true,
      sagemakerLifecycleConfig: true,
      lakeformationTagGrants: true,
      forceDestroyBuckets: false,
      eventsNameVersions: true,
      glueCrawlerUpdates: true,
    });
  });

  it("turns off in local exactly what moto cannot do", () => {
    expect(compatFor({ name: "local" })).toEqual({
      isLocal: true,
      denyInsecureTransport: false,
      sqsRedriveAllowPolicy: false,
      eventSourceMappingsEnabled: false,
      stateMachines: false,
      cloudtrailLogging: false,
      redshift: false,
      quicksight: false,
      xraySamplingRules: false,
      sagemakerLifecycleConfig: false,
      lakeformationTagGrants: false,
      forceDestroyBuckets: true,
      eventsNameVersions: false,
      glueCrawlerUpdates: false,
    });
  });

  it("forgets, never deletes, a named query the local state holds and the stack no longer has", async () => {
    const { synthApp } = await import("../testing/synth.js");
    const stateDir = mkdtempSync(join(tmpdir(), "compat-state-"));
    const env = { EVENT_LAKE_LOCAL_STATE_DIR: stateDir };
    const kept = Object.keys(
      (await synthApp({ environments: ["local"], env })).stacks["local"]?.resource[
        "aws_athena_named_query"
      ] ?? {},
    )[0];
    const resource = (type: string, name: string) => ({ mode: "managed", type, name, instances: [] });
    writeFileSync(
      join(stateDir, "terraform.tfstate"),
      JSON.stringify({
        version: 4,
        resources: [
          resource("aws_athena_named_query", kept ?? ""),
          resource("aws_athena_named_query", "workgroup-analysts_query-gone-raw-rows-per-day_0A1B2C3D"),
          // a removed pipeline's table is deleted, as everywhere (the plan guard asks first)
          resource("aws_glue_catalog_table", "catalog_table-raw-gone_0A1B2C3D"),
        ],
      }),
    );

    const { stacks } = await synthApp({ environments: ["local"], env });

    expect(kept).toMatch(/^workgroup-/);
    expect((stacks["local"] as unknown as { removed?: unknown }).removed).toEqual([
      {
        from: "aws_athena_named_query.workgroup-analysts_query-gone-raw-rows-per-day_0A1B2C3D",
        lifecycle: { destroy: false },
      },
    ]);
  });
});
