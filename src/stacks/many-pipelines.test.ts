import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../../handlers/orchestrator/config.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import clickstream from "../pipelines/definitions/clickstream.js";
import orders from "../pipelines/definitions/orders.js";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { resourcesOf, type StackJson, type SynthResult, synthApp } from "../testing/synth.js";

/**
 * The whole lake with 50 pipelines, half pulled CSV, half pushed NDJSON: it synthesizes (terraform validate accepts
 * the test stack's), and in the local stack the parts that used to grow with every pipeline (the catalog filters, the crawler role, the zones'
 * key policy statements) are the same size as with two. The fan-out and crawler chain with 50 pipelines are applied
 * to moto in modules/crawler-chain/fifty-pipelines.moto.test.ts. test and sandbox also tell the orchestrator each
 * pipeline's state machine in its environment, which Lambda caps at 4 KB: by name after the prefix all share, 50 fit
 * (77 of 9 characters, 22 of 41); past that the synth says so.
 */
const fifty: PipelineDeclaration[] = Array.from({ length: 50 }, (_, i) => ({
  ...(i % 2 === 0 ? orders : clickstream),
  name: `${i % 2 === 0 ? "orders" : "clicks"}_${String(i).padStart(2, "0")}`,
}));

let many: SynthResult;
let two: SynthResult;
let fiftyTest: SynthResult;
beforeAll(async () => {
  many = await synthApp({ environments: ["local"], pipelines: fifty });
  two = await synthApp({ environments: ["local"], pipelines: [orders, clickstream] });
  fiftyTest = await synthApp({ environments: ["test"], pipelines: fifty });
}, 120_000);

const stack = (result: SynthResult, name: "test" | "local"): StackJson => result.stacks[name] as StackJson;

async function validate(result: SynthResult, name: "test"): Promise<unknown> {
  const rc = join(mkdtempSync(join(tmpdir(), "tfrc-")), "terraform.rc");
  writeFileSync(rc, renderCliConfig(chooseMirror(process.env)));
  const env = terraformEnv(rc, {
    ...process.env,
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
  });
  const cwd = join(result.outdir, "stacks", name);
  await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], {
    cwd,
    env,
    timeoutMs: 240_000,
  });
  const { stdout } = await runTerraform(["validate", "-json", "-no-color"], { cwd, env, timeoutMs: 240_000 });
  return JSON.parse(stdout);
}

describe("the test stack (sandbox alike) and the orchestrator's 4 KB environment", () => {
  it("synthesizes 50 pipelines with a state machine each, which terraform validate accepts", async () => {
    const orchestrator = Object.entries(resourcesOf(stack(fiftyTest, "test"), "aws_lambda_function")).find(
      ([path]) => path.endsWith("crawler-chain/orchestrator/function"),
    )?.[1] as { environment: { variables: Record<string, string> } };

    expect(Object.keys(resourcesOf(stack(fiftyTest, "test"), "aws_sfn_state_machine"))).toHaveLength(50);
    expect(orchestrator.environment.variables["TRANSFORM_NAME_PREFIX"]).toBe("event-lake-test-curated-");
    expect(JSON.parse(orchestrator.environment.variables["TRANSFORMS"] ?? "")).toEqual(
      Object.fromEntries(fifty.map((p) => [p.name, `s:${p.name.replace("_", "-")}`])),
    );
    // the handler's reading of it: each pipeline's state machine by the ARN Terraform gives it
    const partitionRegionAccount = "arn:aws:states:eu-west-1:111111111111:stateMachine:";
    const machines = Object.values(resourcesOf(stack(fiftyTest, "test"), "aws_sfn_state_machine")).map(
      (m) => `${partitionRegionAccount}${m["name"]}`,
    );
    const { transforms } = configFromEnv({
      ...orchestrator.environment.variables,
      STATE_MACHINE_ARN_PREFIX: partitionRegionAccount,
      // Terraform's jsonencode(...) of the crawlers' and databases' names, resolved
      CRAWLERS: '{"drop":"c1","raw":"c2","curated":"c3"}',
      DATABASES: '{"drop":"d1","raw":"d2","curated":"d3"}',
    });
    expect(
      Object.values(transforms)
        .map((t) => (t.kind === "state-machine" ? t.arn : t.name))
        .sort(),
    ).toEqual(machines.sort());
    expect(await validate(fiftyTest, "test")).toMatchObject({ valid: true, error_count: 0 });
  }, 300_000);

  it("refuses, at synth time, 50 whose names take the environment past 4 KB, naming Lambda's limit and the fix", async () => {
    const long = fifty.map((p) => ({ ...p, name: p.name.replace("_", "_with_a_rather_long_name_") }));

    await expect(synthApp({ environments: ["test"], pipelines: long })).rejects.toThrow(
      /^CrawlerChain\.addTransform\("(orders|clicks)_with_a_rather_long_name_\d\d"\): the orchestrator's environment would be 4\d{3} bytes with \d+ transforms \(.*\); Lambda allows 4096 bytes of environment variables in all\. Shorten the pipeline names or split the pipelines over two lake stacks$/,
    );
  });
});

/** A resource's (or data source's) body by the end of its construct path, without cdktf's metadata. */
function body(json: StackJson, type: string, pathEnd: string, kind: "resource" | "data" = "resource") {
  const byPath =
    kind === "resource"
      ? resourcesOf(json, type)
      : Object.fromEntries(
          Object.values(json.data?.[type] ?? {}).map((r) => [
            (r["//"] as { metadata: { path: string } }).metadata.path,
            r,
          ]),
        );
  const found = Object.entries(byPath).find(([path]) => path.endsWith(pathEnd));
  if (!found) throw new Error(`no ${type} at *${pathEnd}`);
  const { "//": _metadata, ...rest } = found[1];
  return rest;
}

describe.each(["local"] as const)("the %s stack with 50 pipelines", (name) => {
  it("subscribes each catalog queue with the same one-value filter as with two pipelines", () => {
    for (const zone of ["drop", "raw", "curated"]) {
      const path = `events-${zone}/catalog/subscription`;
      const subscription = body(stack(many, name), "aws_sns_topic_subscription", path);

      expect(JSON.parse(subscription["filter_policy"] as string)).toEqual({
        Records: { s3: { object: { key: [{ "anything-but": { prefix: "_" } }] } } },
      });
      expect(subscription).toEqual(body(stack(two, name), "aws_sns_topic_subscription", path));
    }
  });

  it("gives the crawler role the same policy as with two pipelines", () => {
    const path = "crawler-chain/crawler-policy/document";

    expect(body(stack(many, name), "aws_iam_policy_document", path, "data")).toEqual(
      body(stack(two, name), "aws_iam_policy_document", path, "data"),
    );
  });

  it("keeps the number of statements of every zone key policy: only principals are added", () => {
    for (const zone of ["drop", "raw", "curated", "athena-results"]) {
      const statements = (result: SynthResult) =>
        (
          body(stack(result, name), "aws_iam_policy_document", `zone-${zone}/key-policy`, "data")[
            "statement"
          ] as {
            sid?: string;
          }[]
        ).map((s) => s.sid);

      expect(statements(many), zone).toEqual(statements(two));
    }
  });

  it("grows the ingest function's policy by a prefix per pulled pipeline, not by statements (IAM: 10,240 characters)", () => {
    const path = "/ingest/policy/document";
    const statements = (result: SynthResult) =>
      body(stack(result, name), "aws_iam_policy_document", path, "data")["statement"] as {
        actions: string[];
        resources: string[];
      }[];
    const writes = statements(many).filter((s) => s.actions.includes("s3:PutObject"));

    expect(statements(many)).toHaveLength(statements(two).length);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.resources).toHaveLength(25);
    expect(writes[0]?.resources[0]).toMatch(/\/orders_00\/\*$/);
  });

  it("keeps a DLQ behind every queue", () => {
    const queues = Object.values(resourcesOf(stack(many, name), "aws_sqs_queue"));
    const dlqs = queues.filter((q) => String(q["name"]).endsWith("-dlq"));
    // ingest-failures is itself where failed ingest runs land (the schedules' dead letters), alarmed on.
    const sources = queues.filter(
      (q) => !String(q["name"]).endsWith("-dlq") && !String(q["name"]).endsWith("-ingest-failures"),
    );

    expect(sources.length).toBeGreaterThanOrEqual(5);
    expect(dlqs).toHaveLength(sources.length);
    for (const q of sources) expect(String(q["redrive_policy"])).toContain("deadLetterTargetArn");
  });

  // terraform validate checks each resource against the provider's schema, which the count does not change: the
  // local stack is validated in terraform-validate.test.ts ("local is valid (defaults)") and applied by the lake
  // tests; the per-pipeline resources at 50 are validated in the test stack above.
});
