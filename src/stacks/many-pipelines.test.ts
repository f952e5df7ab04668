import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import clickstream from "../pipelines/definitions/clickstream.js";
import orders from "../pipelines/definitions/orders.js";
import type { PipelineDeclaration } from "../pipelines/types.js";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { resourcesOf, type StackJson, type SynthResult, synthApp } from "../testing/synth.js";

/**
 * The whole local lake with 50 pipelines, half pulled CSV, half pushed NDJSON: it synthesizes, terraform validate
 * accepts it, and the parts that used to grow with every pipeline (the catalog filters, the crawler role, the zones'
 * key policy statements) are the same size as with two. The fan-out and crawler chain with 50 pipelines are applied
 * to moto in modules/crawler-chain/fifty-pipelines.moto.test.ts. test and sandbox also give the orchestrator a state
 * machine's ARN per pipeline in its environment, which Lambda caps at 4 KB: about 19 such pipelines, and the synth
 * says so.
 */
const fifty: PipelineDeclaration[] = Array.from({ length: 50 }, (_, i) => ({
  ...(i % 2 === 0 ? orders : clickstream),
  name: `${i % 2 === 0 ? "orders" : "clicks"}_${String(i).padStart(2, "0")}`,
}));

let many: SynthResult;
let two: SynthResult;
let eighteen: SynthResult;
beforeAll(async () => {
  many = await synthApp({ environments: ["local"], pipelines: fifty });
  two = await synthApp({ environments: ["local"], pipelines: [orders, clickstream] });
  eighteen = await synthApp({ environments: ["test"], pipelines: fifty.slice(0, 18) });
}, 120_000);

const stack = (result: SynthResult, name: "test" | "local"): StackJson => result.stacks[name] as StackJson;

async function validate(result: SynthResult, name: "test" | "local"): Promise<unknown> {
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
  it("synthesizes 18 pipelines with a state machine each, which terraform validate accepts", async () => {
    expect(Object.keys(resourcesOf(stack(eighteen, "test"), "aws_sfn_state_machine"))).toHaveLength(18);
    expect(await validate(eighteen, "test")).toMatchObject({ valid: true, error_count: 0 });
  }, 300_000);

  it("refuses 50 at synth time, naming Lambda's limit and the fix", async () => {
    await expect(synthApp({ environments: ["test"], pipelines: fifty })).rejects.toThrow(
      /^CrawlerChain\.addTransform\("clicks_\d\d"\): the orchestrator's environment would be about \d+ bytes with \d+ transforms .*; Lambda allows 4096 bytes of environment variables in all\. Split the pipelines over two lake stacks, or give the orchestrator its transforms another way than its environment \(handlers\/orchestrator\/config\.ts\)$/,
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

  it("is valid for terraform validate with the real provider", async () => {
    expect(await validate(many, name)).toMatchObject({ valid: true, error_count: 0 });
  }, 300_000);
});
