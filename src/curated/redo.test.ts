import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateCrawlerCommand, GetCrawlerCommand, GlueClient } from "@aws-sdk/client-glue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { type MotoServer, startMoto, stopMoto } from "../local/moto.js";
import { loadPipelines } from "../pipelines/index.js";
import { TerraformError } from "../terraform/run.js";
import { motoClientConfig } from "../testing/moto.js";
import { CURATED_REDO_USAGE, curatedRedoCommand, parseRedoArgs, redoCurated } from "./redo.js";

const TODAY = "2026-12-02";
const NOW = new Date(`${TODAY}T09:30:00.000Z`);

describe("parseRedoArgs", () => {
  it("takes a list of dates (sorted, once each) or a range, and crawls unless told not to", () => {
    expect(parseRedoArgs(["test", "orders", "2026-11-02", "2026-11-01", "2026-11-02"], TODAY)).toEqual({
      env: "test",
      pipeline: "orders",
      dates: ["2026-11-01", "2026-11-02"],
      crawl: true,
    });
    expect(
      parseRedoArgs(["sandbox", "orders", "--from", "2026-10-30", "--to", "2026-11-02", "--no-crawl"], TODAY),
    ).toEqual({
      env: "sandbox",
      pipeline: "orders",
      dates: ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"],
      crawl: false,
    });
  });

  it.each([
    [["prod", "orders", "2026-11-01"], 'ENV must be one of test, sandbox, local, got "prod"'],
    [["test"], "PIPELINE is missing; no dates: give DATE…, or --from and --to"],
    [
      ["test", "orders", "2026-11-31", "2026-13-01", "yesterday"],
      '"2026-11-31" is not a date (YYYY-MM-DD); "2026-13-01" is not a date (YYYY-MM-DD); "yesterday" is not a date (YYYY-MM-DD)',
    ],
    [
      ["test", "orders", "2026-11-01", "--from", "2026-11-01", "--to", "2026-11-02"],
      "give dates, or --from and --to, not both",
    ],
    [
      ["test", "orders", "--from", "2026-11-03", "--to", "2026-11-02"],
      "--from 2026-11-03 is after --to 2026-11-02",
    ],
    [["test", "orders", "--from", "2026-11-03"], '--to must be a date (YYYY-MM-DD), got ""'],
    [
      ["test", "orders", "2026-12-02", "2026-12-03"],
      "2026-12-02 (and 1 more) is not a complete day yet: the curated stage transforms dates before today (2026-12-02, UTC)",
    ],
    [
      ["test", "orders", "--from", "2024-01-01", "--to", "2025-12-31"],
      "more than 366 dates: redo a year at a time",
    ],
    [["test", "orders", "2026-11-01", "--force"], "unknown option --force"],
  ])("%j -> %s", (argv, problem) => {
    expect(parseRedoArgs(argv, TODAY)).toBe(`${problem}\n${CURATED_REDO_USAGE}`);
  });
});

describe("redo against moto", () => {
  const dir = mkdtempSync(join(tmpdir(), "curated-redo-"));
  let moto: MotoServer;
  let dynamo: DynamoDBClient;
  let glue: GlueClient;
  const target = { runsTable: "runs", rawCrawler: "lake-crawl-raw" };
  const item = async (pk: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: "runs", Key: { pk: { S: pk } } }))).Item;

  beforeAll(async () => {
    moto = await startMoto({ dir });
    dynamo = new DynamoDBClient(motoClientConfig(moto.endpoint));
    glue = new GlueClient(motoClientConfig(moto.endpoint));
    await dynamo.send(
      new CreateTableCommand({
        TableName: "runs",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (const date of ["2026-11-01", "2026-11-02"])
      await dynamo.send(
        new PutItemCommand({
          TableName: "runs",
          Item: {
            pk: { S: `transform#orders#${date}` },
            status: { S: "succeeded" },
            claimed_at: { S: "2026-11-03T01:00:00.000Z" },
            finished_at: { S: "2026-11-03T01:05:00.000Z" },
          },
        }),
      );
    await glue.send(
      new CreateCrawlerCommand({
        Name: target.rawCrawler,
        Role: "arn:aws:iam::123456789012:role/crawler",
        Targets: { S3Targets: [{ Path: "s3://raw/orders/" }] },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await stopMoto(dir);
  });

  it("records the transformed dates' change, reports the others, and starts the raw crawler once", async () => {
    // act
    const first = await redoCurated(
      { pipeline: "orders", dates: ["2026-10-31", "2026-11-01", "2026-11-02"], crawl: true },
      target,
      { dynamo, glue, clock: () => NOW, by: "curated/redo by ana" },
    );
    const second = await redoCurated({ pipeline: "orders", dates: ["2026-11-01"], crawl: true }, target, {
      dynamo,
      glue,
      clock: () => NOW,
      by: "curated/redo by ana",
    });

    // assess: the orchestrator's claim condition now holds for both (raw_changed_at > claimed_at); no item made up
    expect(first).toEqual({
      reopened: ["2026-11-01", "2026-11-02"],
      notTransformed: ["2026-10-31"],
      crawler: "started",
    });
    expect(second.crawler).toBe("already running");
    expect(await item("transform#orders#2026-11-02")).toMatchObject({
      status: { S: "succeeded" },
      raw_changed_at: { S: NOW.toISOString() },
      raw_changed_by: { S: "curated/redo by ana" },
    });
    expect(await item("transform#orders#2026-10-31")).toBeUndefined();
    expect((await glue.send(new GetCrawlerCommand({ Name: target.rawCrawler }))).Crawler?.State).toBe(
      "RUNNING",
    );
  });
});

describe("curatedRedoCommand", () => {
  const outputs = {
    analytics_runs_table_name: { value: "event-lake-test-analytics-runs" },
    raw_crawler_name: { value: "event-lake-test-crawl-raw" },
  };
  function run(
    argv: string[],
    over: { outputs?: object; reopened?: string[]; pipelines?: PipelineDeclaration[] } = {},
  ) {
    const printed: string[] = [];
    const errors: string[] = [];
    const sent: { name: string; input: unknown }[] = [];
    const send = async (command: {
      constructor: { name: string };
      input: { Key?: { pk: { S: string } } };
    }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name === "UpdateItemCommand") {
        const date = command.input.Key?.pk.S.split("#")[2] ?? "";
        if (!(over.reopened ?? ["2026-11-01"]).includes(date))
          throw Object.assign(new Error("no item"), { name: "ConditionalCheckFailedException" });
      }
      return {};
    };
    return curatedRedoCommand(argv, {
      config: () => loadConfig({ env: {} }),
      pipelines: async () => over.pipelines ?? (await loadPipelines()),
      readOutputs: async () => (over.outputs ?? outputs) as never,
      clients: () => ({ dynamo: { send } as never, glue: { send } as never }),
      clock: () => NOW,
      user: "ana",
      print: (l) => printed.push(l),
      printError: (l) => errors.push(l),
    }).then((code) => ({ code, printed, errors, sent: sent.map((s) => s.name) }));
  }

  it("records the dates in ENV's run ledger and starts its raw crawler", async () => {
    expect(await run(["test", "orders", "2026-10-31", "2026-11-01"])).toEqual({
      code: 0,
      printed: [
        "not transformed yet, nothing to redo (1): 2026-10-31; the next raw crawl transforms any of them that has raw data",
        "ENV=test: 1 date(s) of orders recorded for a new transform: 2026-11-01",
        "raw crawler event-lake-test-crawl-raw started: when it finishes, the orchestrator deletes the dates' curated files and runs the transform (at most MAX_DATES_PER_RUN dates a run, oldest first)",
      ],
      errors: [],
      sent: ["UpdateItemCommand", "UpdateItemCommand", "StartCrawlerCommand"],
    });
  });

  it("in local, starts moto's raw crawler, which the next make local runs", async () => {
    const local = await run(["local", "orders", "2026-11-01"]);
    expect([local.code, local.printed.at(-1), local.sent]).toEqual([
      0,
      "raw crawler event-lake-test-crawl-raw started: the next `make local` (or `node dist/cli.cjs local run`) runs that crawl and transforms them again",
      ["UpdateItemCommand", "StartCrawlerCommand"],
    ]);
    const later = await run(["test", "orders", "2026-11-01", "--no-crawl"]);
    expect([later.printed.at(-1), later.sent]).toEqual([
      "the next scheduled raw crawl transforms them again",
      ["UpdateItemCommand"],
    ]);
  });

  it("exits 1 when no date was transformed yet, and 2 for an unknown pipeline, a Glue-engine one or a stack not applied", async () => {
    expect(await run(["test", "orders", "2026-10-31"], { reopened: [] })).toMatchObject({
      code: 1,
      errors: ["ENV=test: no date of orders was transformed yet; nothing recorded"],
    });
    expect(await run(["test", "invoices", "2026-11-01"])).toMatchObject({
      code: 2,
      errors: [
        'no pipeline "invoices": declared are airports, clickstream, orders (src/pipelines/definitions)',
      ],
      sent: [],
    });
    const orders = (await loadPipelines()).find((p) => p.name === "orders") as PipelineDeclaration;
    const glueEngine = { ...orders, transform: { ...orders.transform, engine: "glue" as const } };
    expect((await run(["test", "orders", "2026-11-01"], { pipelines: [glueEngine] })).errors[0]).toMatch(
      /^orders runs on engine glue: its Glue job's bookmarks decide what it reads/,
    );
    expect(await run(["test", "orders", "2026-11-01"], { outputs: {} })).toMatchObject({
      code: 2,
      errors: [
        "ENV=test's applied stack lacks the outputs analytics_runs_table_name and raw_crawler_name: apply the current stack first (make tf/plan ENV=test, then make tf/apply ENV=test).",
      ],
    });
  });

  it("reports Terraform's error when the stack is not initialized", async () => {
    const errors: string[] = [];
    const code = await curatedRedoCommand(["test", "orders", "2026-11-01"], {
      config: () => loadConfig({ env: {} }),
      pipelines: () => loadPipelines(),
      readOutputs: async () => {
        throw new TerraformError(
          "cdktf.out/stacks/test is not initialized: run `make tf/init ENV=test` first",
        );
      },
      clients: () => ({ dynamo: { send: async () => ({}) }, glue: { send: async () => ({}) } }),
      clock: () => NOW,
      user: "ana",
      print: () => {},
      printError: (l) => errors.push(l),
    });
    expect([code, errors]).toEqual([
      2,
      ["cdktf.out/stacks/test is not initialized: run `make tf/init ENV=test` first"],
    ]);
  });
});
