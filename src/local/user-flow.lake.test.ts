import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { loadPipelines } from "../pipelines/index.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { lake, output } from "../testing/lake.js";
import { motoClientConfig } from "../testing/moto.js";
import { mirror, queryCurated } from "./athena-standin.js";
import { decide, record } from "./fast-path.js";
import { runLocal, whyNotCurated } from "./run.js";
import { wiringFromState } from "./wiring.js";

// The warm fast path on the applied lake, and a user's own file from the drop bucket to a curated query.
const s3 = () => new S3Client(motoClientConfig(lake().endpoint));
const tf = () => ({ cwd: lake().stackDir, env: terraformEnv(lake().cliConfig), timeoutMs: 600_000 });

describe("the warm make local fast path", () => {
  it("skips only what a plan would confirm unchanged, and plans again once the stack changed", async () => {
    const { stackDir, stateDir } = lake();
    const { stdout: show } = await runTerraform(["show", "-json", "-no-color"], tf());
    record(stackDir, stateDir, show);
    expect(decide(stackDir, stateDir).skip).toBe(true);
    // The skip is right: terraform itself finds nothing to change (-detailed-exitcode exits 2 on any change).
    await runTerraform(["plan", "-detailed-exitcode", "-lock=false", "-input=false", "-no-color"], tf());

    // The same stack with one setting changed (a queue's retention) is not skipped.
    const changed = mkdtempSync(join(tmpdir(), "changed-stack-"));
    cpSync(join(stackDir, "assets"), join(changed, "assets"), { recursive: true });
    const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      resource: { aws_sqs_queue: Record<string, { message_retention_seconds?: number }> };
    };
    const [queue] = Object.values(json.resource.aws_sqs_queue);
    if (!queue) throw new Error("the local stack has no queue");
    queue.message_retention_seconds = 86_400;
    writeFileSync(join(changed, "cdk.tf.json"), JSON.stringify(json));
    expect(decide(changed, stateDir)).toEqual({
      skip: false,
      reason: "the local stack or a handler bundle changed since the last apply",
    });
    expect(decide(stackDir, stateDir).skip).toBe(true);
  }, 600_000);
});

describe("a user's own file, from the drop bucket to a curated query", () => {
  // A day of its own, so other lake tests' files are not counted; the runner is told it is that day, noon UTC.
  const day = "2031-01-15";
  const now = new Date(`${day}T12:00:00Z`);
  const userFile = [
    "order_id,customer_id,country,sku,quantity,unit_price,ordered_at,is_gift",
    "9001,77,FR,SKU-RED-1,2,9.5,2031-01-15T08:00:00Z,false",
    "9002,78,FR,SKU-RED-1,x,9.5,2031-01-15T08:05:00Z,false",
    "9003,79,,SKU-RED-1,1,9.5,2031-01-15T08:06:00Z,true",
    "",
  ].join("\n");

  it("waits for the day to end, says why, then curates it on demand (CURATE_TODAY)", async () => {
    const drop = output("drop_bucket_name");
    const put = (key: string, body: string) =>
      s3().send(new PutObjectCommand({ Bucket: drop, Key: key, Body: body }));
    await put(`orders/ingest_date=${day}/user-file.csv`, userFile);
    await put(`orders/ingest_date=${day}/wrong-header.csv`, "order_id;customer_id\n1;2\n");
    await put(`ordrs/ingest_date=${day}/typo.csv`, "order_id\n1\n");
    const { stdout: show } = await runTerraform(["show", "-json", "-no-color"], tf());
    const pipelines = await loadPipelines();
    const pass = (curateToday: boolean) =>
      runLocal({
        wiring: wiringFromState(JSON.parse(show), lake().stackDir),
        pipelines,
        endpoint: lake().endpoint,
        now,
        curateToday,
      });

    const first = await pass(false);
    const orders = first.pipelines.find((p) => p.pipeline === "orders");
    expect(orders?.waiting).toEqual([day]);
    expect(first.walks.filter((w) => w.includes(day))).toEqual([]);
    expect(orders?.quarantinedFiles).toContainEqual({
      sourceKey: `orders/ingest_date=${day}/wrong-header.csv`,
      reason: expect.stringMatching(/^pipeline "orders": header: no field for column "order_id"/),
    });
    expect(first.unknownFiles).toContainEqual({
      sourceKey: `ordrs/ingest_date=${day}/typo.csv`,
      reason: 'unknown pipeline "ordrs"',
    });
    const ours = (orders?.reasonGroups ?? []).filter((g) =>
      g.examples.some((e) => e.sourceKey.endsWith(`${day}/user-file.csv`)),
    );
    expect(ours).toEqual([
      {
        reason: "country: missing value (the column is not nullable)",
        count: 1,
        examples: [{ sourceKey: `orders/ingest_date=${day}/user-file.csv`, line: 4 }],
      },
      {
        reason: 'quantity: "x" is not an int',
        count: 1,
        examples: [{ sourceKey: `orders/ingest_date=${day}/user-file.csv`, line: 3 }],
      },
    ]);
    // Exactly the one valid row reached raw for that day.
    const dir = mkdtempSync(join(tmpdir(), "user-raw-"));
    await mirror(s3(), output("raw_bucket_name"), `orders/ingest_date=${day}/`, dir);
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const raw = await db.runAndReadAll(
      `SELECT order_id, quantity FROM read_parquet('${join(dir, "orders", "**", "*.parquet")}', hive_partitioning = true)`,
    );
    expect(raw.getRowObjectsJson()).toEqual([{ order_id: "9001", quantity: 2 }]);
    db.closeSync();
    // make local/query on a pipeline with nothing curated, or only today's data, says why.
    expect(await whyNotCurated(s3(), "nobody", output("raw_bucket_name"), day)).toMatch(
      /^nothing of it has reached raw\. Drop a file under nobody\/ingest_date=YYYY-MM-DD\//,
    );
    expect(await whyNotCurated(s3(), "orders", output("raw_bucket_name"), "2000-01-01")).toMatch(
      new RegExp(
        `^its raw data is all dated .*${day}, not complete yet: a date is curated once it has ended`,
      ),
    );

    const second = await pass(true);
    expect(second.curateToday).toBe(true);
    expect(second.walks).toContain(`orders: SUCCEEDED (${day})`);
    expect(second.pipelines.find((p) => p.pipeline === "orders")?.waiting).toEqual([]);
    const curated = await queryCurated(
      s3(),
      await loadPipelines(),
      output("curated_bucket_name"),
      `SELECT country, units, revenue FROM orders WHERE ingest_date = DATE '${day}'`,
    );
    expect(curated).toEqual([{ country: "FR", units: "2", revenue: 19 }]);
  }, 600_000);
});
