import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCrawlerCommand, GetTablesCommand, GlueClient } from "@aws-sdk/client-glue";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PurgeQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { guardPlan } from "../guard/guard.js";
import { changeKind, type PlanJson, parsePlan } from "../guard/plan.js";
import { mirror } from "../local/athena-standin.js";
import { runLocal } from "../local/run.js";
import { loadPipelines } from "../pipelines/index.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { lake, output } from "../testing/lake.js";
import { lakeWiring } from "../testing/local-wiring.js";
import { motoClientConfig } from "../testing/moto.js";
import { synthApp } from "../testing/synth.js";

// Day-2 changes to the pipeline list of the applied local lake, while it holds data: one apply adds a pipeline,
// the local runner runs every shipped pipeline once, the next apply removes the added one again, which leaves the lake
// as the other lake tests expect it. Moto has no UpdateCrawler and no DeleteNamedQuery: the first used to hang the
// apply for 15 minutes (src/stacks/local-compat.ts, glue-crawler-update and athena-named-query-destroy).
const s3 = () => new S3Client(motoClientConfig(lake().endpoint));
const glue = () => new GlueClient(motoClientConfig(lake().endpoint));
const APPLY_TIMEOUT_MS = 300_000;
const work = mkdtempSync(join(tmpdir(), "event-lake-pipelines-"));

let shipped: readonly PipelineDeclaration[];
let invoices: PipelineDeclaration;

/** Rows of a pipeline's Parquet in a zone, read back from moto's S3 with DuckDB (not through Glue). */
async function rows(zone: "raw" | "curated", pipeline: string): Promise<number> {
  const dir = mkdtempSync(join(work, `${zone}-`));
  await mirror(s3(), output(`${zone}_bucket_name`), `${pipeline}/`, dir);
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  const result = await db.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet('${join(dir, pipeline, "**", "*.parquet")}', union_by_name = true)`,
  );
  db.closeSync();
  return Number(result.getRowObjects()[0]?.["n"]);
}

async function keys(zone: "raw" | "curated", prefix: string): Promise<string[]> {
  const { Contents } = await s3().send(
    new ListObjectsV2Command({ Bucket: output(`${zone}_bucket_name`), Prefix: prefix }),
  );
  return (Contents ?? []).map((c) => c.Key ?? "").sort();
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of shipped)
    for (const zone of ["raw", "curated"] as const) out[`${zone}.${p.name}`] = await rows(zone, p.name);
  return out;
}

/**
 * The local stack with `pipelines`, synthesized against the applied lake's state, planned and checked by the guard;
 * then the saved plan is applied, with the guard's blocked addresses allowed (as ALLOW_DESTROY would).
 */
async function change(
  name: string,
  pipelines: readonly PipelineDeclaration[],
): Promise<{ plan: PlanJson; seconds: number }> {
  const { endpoint, stateDir, stackDir, cliConfig } = lake();
  const { outdir } = await synthApp({
    environments: ["local"],
    pipelines,
    env: { EVENT_LAKE_LOCAL_ENDPOINT: endpoint, EVENT_LAKE_LOCAL_STATE_DIR: stateDir },
  });
  const cwd = join(outdir, "stacks", "local");
  const options = { cwd, env: terraformEnv(cliConfig), timeoutMs: APPLY_TIMEOUT_MS };
  const started = Date.now();
  // No init: the applied lake's providers and backend settings (the same local state) serve, where an init copies
  // the 700 MB provider out of the mirror again (13-55 s here).
  symlinkSync(join(stackDir, ".terraform"), join(cwd, ".terraform"));
  copyFileSync(join(stackDir, ".terraform.lock.hcl"), join(cwd, ".terraform.lock.hcl"));
  // No refresh: the change is between the configuration and the state; that the applied lake matches its state is
  // the warm fast path's check (src/local/user-flow.lake.test.ts, plan -detailed-exitcode), and a refresh reads
  // every resource from moto again.
  await runTerraform(["plan", "-refresh=false", "-input=false", "-no-color", "-out=tfplan"], options);
  const { stdout } = await runTerraform(["show", "-json", "tfplan"], options);
  writeFileSync(join(work, `${name}.plan.json`), stdout);
  await runTerraform(["apply", "-input=false", "-no-color", "tfplan"], options);
  return { plan: parsePlan(stdout), seconds: (Date.now() - started) / 1000 };
}

const addresses = (plan: PlanJson, kind: string, type?: string) =>
  (plan.resource_changes ?? [])
    .filter((c) => changeKind(c) === kind && (type === undefined || c.type === type))
    .map((c) => c.address)
    .sort();

let before: Record<string, number>;
let added: { plan: PlanJson; seconds: number };
let removed: { plan: PlanJson; seconds: number };
let invoicesRaw: string[];

beforeAll(async () => {
  shipped = await loadPipelines();
  const clickstream = shipped.find((p) => p.name === "clickstream");
  if (!clickstream) throw new Error("the shipped pipelines have no clickstream");
  // The default drop retention, so the drop bucket's lifecycle configuration stays as it is: the provider waits
  // about 55 s after every change to one (its own waiter), which made each of the two applies here a minute longer.
  // A pipeline's own retention rule is pinned against moto in local-apply.lake.test.ts.
  const { dropRetentionDays: _retention, ...shape } = clickstream;
  invoices = { ...shape, name: "invoices", description: "A pipeline added to the running lake" };
  // Earlier lake tests dead-letter poison messages on purpose; the runs here must add none.
  const sqs = new SQSClient(motoClientConfig(lake().endpoint));
  for (const name of Object.keys(lake().outputs).filter((o) => o.endsWith("_dlq_url")))
    await sqs.send(new PurgeQueueCommand({ QueueUrl: output(name) }));
  added = await change("added", [...shipped, invoices]);
  // The lake holds data before the removal: every shipped pipeline end to end (idempotent), run once on the lake
  // with the added pipeline declared and its three crawlers replaced.
  await runLocal({ wiring: await lakeWiring(), pipelines: shipped, endpoint: lake().endpoint });
  before = await counts();
  // The new pipeline's raw data, as the converter writes it (the bundled converter knows only the shipped ones).
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  const file = join(work, "invoices.parquet");
  await db.run(`COPY (SELECT range AS n FROM range(7)) TO '${file}' (FORMAT parquet)`);
  db.closeSync();
  await s3().send(
    new PutObjectCommand({
      Bucket: output("raw_bucket_name"),
      Key: "invoices/ingest_date=2026-11-21/invoices_0.parquet",
      Body: readFileSync(file),
    }),
  );
  invoicesRaw = await keys("raw", "invoices/");
  removed = await change("removed", shipped);
}, 1_200_000);

describe("adding a pipeline to the running local lake", () => {
  it("creates its tables and queries, replaces the three crawlers (moto cannot update one), destroys nothing", async () => {
    expect(addresses(added.plan, "create", "aws_glue_catalog_table")).toEqual([
      expect.stringMatching(/^aws_glue_catalog_table\.catalog_table-curated-invoices_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_glue_catalog_table\.catalog_table-raw-invoices_[0-9A-F]{8}$/),
    ]);
    expect(addresses(added.plan, "create", "aws_athena_named_query")).toHaveLength(4);
    expect(addresses(added.plan, "replace")).toEqual([
      expect.stringMatching(/^aws_glue_crawler\.crawler-chain_crawler-curated_/),
      expect.stringMatching(/^aws_glue_crawler\.crawler-chain_crawler-drop_/),
      expect.stringMatching(/^aws_glue_crawler\.crawler-chain_crawler-raw_/),
    ]);
    expect(addresses(added.plan, "delete")).toEqual([]);
    expect(guardPlan(added.plan).blocked).toEqual([]);
  });

  it("crawls the new pipeline's prefix while it is declared", () => {
    const drop = (added.plan.resource_changes ?? []).find((c) =>
      c.address.startsWith("aws_glue_crawler.crawler-chain_crawler-drop_"),
    );
    const after = (drop?.change as { after?: { s3_target: { path: string }[] } } | undefined)?.after;
    const targets = (after?.s3_target ?? []).map((t) => t.path);

    // the shipped pipelines' targets in their order, then the added one's
    expect(targets.map((p) => p.split("/").slice(3).join("/"))).toEqual([
      ...shipped.map((p) => `${p.name}/`),
      "invoices/",
    ]);
  });
});

describe("removing a pipeline from the running local lake", () => {
  it("is blocked by the guard for exactly its two tables, naming what they hold", () => {
    const blocked = guardPlan(removed.plan).blocked;

    expect(blocked.map((f) => [f.kind, f.address.replace(/_[0-9A-F]{8}$/, "")])).toEqual([
      ["delete", "aws_glue_catalog_table.catalog_table-curated-invoices"],
      ["delete", "aws_glue_catalog_table.catalog_table-raw-invoices"],
    ]);
    for (const f of blocked)
      expect(f.holds).toMatch(/^a Glue table: its schema and registered partitions go with it/);
  });

  it("forgets its four named queries in local instead of deleting them (moto has no DeleteNamedQuery)", () => {
    expect(addresses(removed.plan, "forget")).toHaveLength(4);
    expect(addresses(removed.plan, "forget", "aws_athena_named_query")).toHaveLength(4);
    expect(addresses(removed.plan, "delete", "aws_athena_named_query")).toEqual([]);
  });

  it("applies in bounded time, and the catalog no longer has it", async () => {
    const { TableList } = await glue().send(
      new GetTablesCommand({ DatabaseName: output("raw_database_name") }),
    );
    const { Crawler } = await glue().send(new GetCrawlerCommand({ Name: output("drop_crawler_name") }));

    expect((TableList ?? []).map((t) => t.Name).sort()).toEqual(shipped.map((p) => p.name).sort());
    expect((Crawler?.Targets?.S3Targets ?? []).map((t) => t.Path?.split("/").slice(3).join("/"))).toEqual(
      shipped.map((p) => `${p.name}/`),
    );
    expect(removed.seconds).toBeLessThan(APPLY_TIMEOUT_MS / 1000);
  });

  it("keeps the removed pipeline's data in S3: removing a pipeline never deletes data", async () => {
    expect(invoicesRaw).toEqual(["invoices/ingest_date=2026-11-21/invoices_0.parquet"]);
    expect(await keys("raw", "invoices/")).toEqual(invoicesRaw);
    expect(await rows("raw", "invoices")).toBe(7);
  });

  // A second run adds nothing: src/local/run.lake.test.ts ("adds nothing on a second run"); the removal leaves the
  // run ledgers alone (it deletes the two tables and forgets the four queries only, as the cases above pin down).
  it("keeps every other pipeline's rows, in raw and curated", async () => {
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    expect(await counts()).toEqual(before);
  });
});
