import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PurgeQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { redoCurated } from "../curated/redo.js";
import { loadPipelines } from "../pipelines/index.js";
import { lake, output } from "../testing/lake.js";
import { lakeWiring } from "../testing/local-wiring.js";
import { motoClientConfig } from "../testing/moto.js";
import { mirror, queryCurated } from "./athena-standin.js";
import { type LocalRunSummary, runLocal, SAMPLE_INGEST_DATE } from "./run.js";

// `make local`'s pipeline run, against the applied lake: every example pipeline from source to a curated query.
const samples = JSON.parse(readFileSync("src/pipelines/samples/expected.json", "utf8")) as Record<
  string,
  { rows: number; valid: number; quarantined: unknown[] }
>;
const curated = JSON.parse(readFileSync("src/pipelines/samples/expected-curated.json", "utf8")) as Record<
  string,
  { rows: number; query: string; result: Record<string, unknown>[] }
>;

const s3 = () => new S3Client(motoClientConfig(lake().endpoint));

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const { Contents } = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (Contents ?? []).map((c) => c.Key ?? "");
}

/** Rows of a query over a pipeline's Parquet in a bucket (as `t`), on DuckDB. */
async function count(bucket: string, pipeline: string, sql: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "lake-count-"));
  await mirror(s3(), bucket, `${pipeline}/`, dir);
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  await db.run(
    `CREATE VIEW t AS SELECT * FROM read_parquet('${join(dir, pipeline, "**", "*.parquet")}', hive_partitioning = true, union_by_name = true)`,
  );
  const n = Number((await db.runAndReadAll(sql)).getRowObjects()[0]?.["n"] ?? -1);
  db.closeSync();
  return n;
}

async function quarantinedLines(prefix: string): Promise<number> {
  let lines = 0;
  for (const key of (await keys(output("quarantine_bucket_name"), prefix)).filter((k) =>
    k.endsWith(".ndjson"),
  )) {
    const { Body } = await s3().send(
      new GetObjectCommand({ Bucket: output("quarantine_bucket_name"), Key: key }),
    );
    lines += ((await Body?.transformToString()) ?? "").split("\n").filter((l) => l.trim() !== "").length;
  }
  return lines;
}

async function run(): Promise<LocalRunSummary> {
  return runLocal({
    wiring: await lakeWiring(),
    pipelines: await loadPipelines(),
    endpoint: lake().endpoint,
  });
}

describe("the example pipelines end to end on moto", () => {
  let first: LocalRunSummary;

  // Earlier lake tests dead-letter poison messages on purpose; this run must add none.
  beforeAll(async () => {
    const sqs = new SQSClient(motoClientConfig(lake().endpoint));
    for (const name of Object.keys(lake().outputs).filter((o) => o.endsWith("_dlq_url")))
      await sqs.send(new PurgeQueueCommand({ QueueUrl: output(name) }));
  });

  it("lands every sample row in raw or quarantine, exactly as the samples say, and curates the rest", async () => {
    first = await run();

    // Other lake tests share this lake (the fault suite writes under another ingest date): count the samples' date.
    for (const [name, sample] of Object.entries(samples)) {
      const at = `${name}/ingest_date=${SAMPLE_INGEST_DATE}/`;
      expect(await keys(output("drop_bucket_name"), at), name).toHaveLength(1);
      expect(
        await count(
          output("raw_bucket_name"),
          name,
          `SELECT COUNT(*) AS n FROM t WHERE CAST(ingest_date AS VARCHAR) = '${SAMPLE_INGEST_DATE}'`,
        ),
      ).toBe(sample.valid);
      expect(await quarantinedLines(at), name).toBe(sample.quarantined.length);
      const curatedRows = await queryCurated(
        s3(),
        await loadPipelines(),
        output("curated_bucket_name"),
        `SELECT COUNT(*) AS n FROM ${name} WHERE ingest_date = DATE '${SAMPLE_INGEST_DATE}'`,
      );
      expect(Number(curatedRows[0]?.["n"]), name).toBe(curated[name]?.rows);
    }
    const byName = Object.fromEntries(first.pipelines.map((p) => [p.pipeline, p]));
    expect(byName["orders"]?.source).toBe("http");
    expect(byName["clickstream"]?.source).toBe("push");
    // Other lake tests may have left other ingest dates to curate; the samples' date is among them.
    for (const name of Object.keys(samples))
      expect(
        first.walks.find((w) => w.startsWith(`${name}: SUCCEEDED (`)),
        name,
      ).toContain(SAMPLE_INGEST_DATE);
  }, 300_000);

  it.each(Object.keys(curated))("answers the %s analytics query with the precomputed table", async (name) => {
    const expected = curated[name];
    const rows = await queryCurated(
      s3(),
      await loadPipelines(),
      output("curated_bucket_name"),
      expected?.query ?? "",
    );
    expect(
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === "string" && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v,
          ]),
        ),
      ),
    ).toEqual(expected?.result);
  });

  it("leaves the dead-letter queues empty", () => {
    expect(Object.values(first.dlqDepth).every((d) => d === 0)).toBe(true);
    expect(Object.keys(first.dlqDepth)).toContain("event-lake-local-drop-to-raw-dlq");
  });

  it("adds nothing on a second run: same files, same rows, nothing new to convert", async () => {
    const second = await run();

    expect(
      second.pipelines.map((p) => [
        p.pipeline,
        p.dropFiles,
        p.rawFiles,
        p.rawRows,
        p.quarantinedRows,
        p.curatedRows,
      ]),
    ).toEqual(
      first.pipelines.map((p) => [
        p.pipeline,
        p.dropFiles,
        p.rawFiles,
        p.rawRows,
        p.quarantinedRows,
        p.curatedRows,
      ]),
    );
    expect(second.batches).toBe(0);
  }, 300_000);

  describe("files replaced under the same key", () => {
    // Two pipelines, each under a date of its own, share the runner's passes (three, not six): the orders sample on
    // 2026-11-14 and a corrected file for it; the airports sample (no partition keys; 11 valid records, 1
    // quarantined) on 2026-11-15 put three times, whole, its first 5 records, then its first 10 (Hamburg's bad one
    // among them).
    const ordersDate = "2026-11-14";
    const airportsDate = "2026-11-15";
    const orders = readFileSync("src/pipelines/samples/orders.csv", "utf8");
    const airports = readFileSync("src/pipelines/samples/airports.csv", "utf8").split("\r\n");
    const firstAirports = (n: number) => `${airports.slice(0, n + 1).join("\r\n")}\r\n`;
    const put = (key: string, body: string) =>
      s3().send(new PutObjectCommand({ Bucket: output("drop_bucket_name"), Key: key, Body: body }));
    const ordersCurated = async () =>
      (
        await queryCurated(
          s3(),
          await loadPipelines(),
          output("curated_bucket_name"),
          `SELECT SUM(order_lines) AS lines, SUM(units) AS units FROM orders WHERE ingest_date = DATE '${ordersDate}'`,
        )
      ).map((r) => [Number(r["lines"]), Number(r["units"])]);
    const airportsState = async () => ({
      raw: await count(
        output("raw_bucket_name"),
        "airports",
        `SELECT COUNT(*) AS n FROM t WHERE CAST(ingest_date AS VARCHAR) = '${airportsDate}'`,
      ),
      rawFiles: (await keys(output("raw_bucket_name"), `airports/ingest_date=${airportsDate}/`)).length,
      curated: (
        await queryCurated(
          s3(),
          await loadPipelines(),
          output("curated_bucket_name"),
          `SELECT country, airports, passengers FROM airports WHERE ingest_date = DATE '${airportsDate}' ORDER BY country`,
        )
      ).map((r) => [r["country"], Number(r["airports"]), Number(r["passengers"])]),
    });
    const passes: {
      walks: readonly string[];
      orders: number[][];
      airports: Awaited<ReturnType<typeof airportsState>>;
    }[] = [];

    beforeAll(async () => {
      const versions: { orders?: string; airports: string }[] = [
        { orders: orders, airports: firstAirports(12) },
        // the producer sends a corrected orders file, the header and the first three order lines
        { orders: `${orders.split("\n").slice(0, 4).join("\n")}\n`, airports: firstAirports(5) },
        { airports: firstAirports(10) },
      ];
      for (const version of versions) {
        if (version.orders !== undefined)
          await put(`orders/ingest_date=${ordersDate}/orders.csv`, version.orders);
        await put(`airports/ingest_date=${airportsDate}/airports.csv`, version.airports);
        const summary = await run();
        passes.push({ walks: summary.walks, orders: await ordersCurated(), airports: await airportsState() });
      }
    }, 900_000);

    it("transforms a curated date again when a corrected file replaces its rows, and replaces that date's rows", () => {
      const [before, after, nothingNew] = passes;

      // the first run curated the ten valid lines; the second transformed the date again from the corrected raw
      // (the converter recorded the change in the run ledger) and curated holds its three lines only: 2 + 1 + 3 units
      expect(before?.walks.find((w) => w.startsWith("orders: SUCCEEDED ("))).toContain(ordersDate);
      expect(before?.orders).toEqual([[10, 26]]);
      expect(after?.walks.find((w) => w.startsWith("orders: SUCCEEDED ("))).toContain(ordersDate);
      expect(after?.orders).toEqual([[3, 6]]);
      // and a run with nothing new for orders transforms nothing of it again
      expect(nothingNew?.walks.filter((w) => w.startsWith("orders:"))).toEqual([]);
      expect(nothingNew?.orders).toEqual([[3, 6]]);
    });

    it("keeps the newest version only of an unpartitioned pipeline's file put three times, in raw and in curated", () => {
      for (const pass of passes)
        expect(pass.walks.find((w) => w.startsWith("airports: SUCCEEDED ("))).toContain(airportsDate);
      // raw holds one file of the newest version's rows, curated its aggregates, every time
      expect(passes.map((p) => p.airports)).toEqual([
        {
          raw: 11,
          rawFiles: 1,
          curated: [
            ["CH", 2, 31200000],
            ["DE", 3, 128700000],
            ["FR", 3, 118200000],
            ["NL", 3, 76300000],
          ],
        },
        {
          raw: 5,
          rawFiles: 1,
          curated: [
            ["FR", 2, 103400000],
            ["NL", 3, 76300000],
          ],
        },
        {
          raw: 9,
          rawFiles: 1,
          curated: [
            ["DE", 3, 128700000],
            ["FR", 3, 118200000],
            ["NL", 3, 76300000],
          ],
        },
      ]);
    });
  });

  it("transforms a date again on request (make curated/redo), to the same rows", async () => {
    // prepare: 2026-11-14 was curated by the test above; 2026-11-13 never was
    const c = motoClientConfig(lake().endpoint);

    // act
    const redo = await redoCurated(
      { pipeline: "orders", dates: ["2026-11-13", "2026-11-14"], crawl: true },
      { runsTable: output("analytics_runs_table_name"), rawCrawler: output("raw_crawler_name") },
      {
        dynamo: new DynamoDBClient(c),
        glue: new GlueClient(c),
        clock: () => new Date(),
        by: "curated/redo by test",
      },
    );
    const after = await run();

    // assess: recorded, the raw crawler started (the runner crawls a running crawler), the date transformed again,
    // and curated holds the same rows once
    expect(redo).toEqual({
      reopened: ["2026-11-14"],
      notTransformed: ["2026-11-13"],
      crawler: "started",
    });
    expect(after.walks.filter((w) => w.startsWith("orders:"))).toEqual(["orders: SUCCEEDED (2026-11-14)"]);
    const rows = await queryCurated(
      s3(),
      await loadPipelines(),
      output("curated_bucket_name"),
      "SELECT SUM(order_lines) AS lines, SUM(units) AS units FROM orders WHERE ingest_date = DATE '2026-11-14'",
    );
    expect(rows.map((r) => [Number(r["lines"]), Number(r["units"])])).toEqual([[3, 6]]);
  }, 300_000);
});
