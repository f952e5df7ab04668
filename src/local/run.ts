import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DuckDBInstance } from "@duckdb/node-api";
import { clearCuratedDates } from "../../handlers/orchestrator/orchestrator.js";
import type { PipelineDeclaration } from "../pipelines/types.js";
import { walk } from "./asl.js";
import { mirror, queryCurated } from "./athena-standin.js";
import { CatalogStandIn, catalogNames } from "./catalog-standin.js";
import { LocalRunner } from "./runner.js";
import type { LocalWiring } from "./wiring.js";

export const SAMPLES_DIR = "src/pipelines/samples";
/** Samples land under one fixed ingest date, so every run addresses the same objects. */
export const SAMPLE_INGEST_DATE = "2026-11-21";

export interface PipelineSummary {
  readonly pipeline: string;
  readonly source: string;
  readonly dropFiles: number;
  readonly rawFiles: number;
  readonly rawRows: number;
  readonly quarantinedRows: number;
  readonly quarantineReasons: readonly string[];
  readonly curatedRows: number;
  readonly sample: readonly Record<string, unknown>[];
}

export interface LocalRunSummary {
  readonly pipelines: readonly PipelineSummary[];
  readonly dlqDepth: Readonly<Record<string, number>>;
  readonly batches: number;
  /** Each curated-stage walk: pipeline, status and dates. */
  readonly walks: readonly string[];
  /** What ran as a stand-in for a service moto cannot run, said in the summary. */
  readonly standIns: readonly string[];
}

/**
 * `make local`'s main job once the stack is applied: every example pipeline end to end. Pull sources are served on
 * loopback and their schedules fired; push samples are uploaded as a producer would; the runner drains every
 * mapped queue through the bundled handlers; the curated transform runs on the DuckDB stand-in. Idempotent: a
 * second run uploads nothing new (same content, same key), ingest's conditional GET skips, and curated is replaced.
 */
export async function runLocal(options: {
  wiring: LocalWiring;
  pipelines: readonly PipelineDeclaration[];
  endpoint: string;
  region?: string;
  log?: (line: string) => void;
}): Promise<LocalRunSummary> {
  const { wiring, pipelines, endpoint } = options;
  const region = options.region ?? "us-east-1";
  const log = options.log ?? (() => {});
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials });
  const out = (name: string) => {
    const value = wiring.outputs[name];
    if (value === undefined)
      throw new Error(`the applied local stack has no output ${name}: run make local again`);
    return value;
  };
  const buckets = {
    drop: out("drop_bucket_name"),
    raw: out("raw_bucket_name"),
    curated: out("curated_bucket_name"),
    quarantine: out("quarantine_bucket_name"),
  };
  const runner = new LocalRunner(wiring, { endpoint, region });
  const standIns = [
    "Lambda: the local runner invoked the bundled handler zips (moto cannot run them without Docker)",
    "internet: pull sources were served from src/pipelines/samples on 127.0.0.1",
    "Glue crawlers: the runner read each crawler's event queue, registered the partitions, emitted its state-change event",
    "Step Functions: the runner walked the curated stage's ASL, taken from the stack's state",
    "Athena: the ASL's INSERT INTO ran on DuckDB over moto's Parquet, with the tables declared in Glue",
  ];

  const samples = JSON.parse(readFileSync(join(SAMPLES_DIR, "expected.json"), "utf8")) as Record<
    string,
    { file: string }
  >;
  const server = await serveSamples(samples);
  try {
    for (const p of pipelines) {
      const sample = samples[p.name];
      if (!sample) {
        log(`${p.name}: no sample in ${SAMPLES_DIR}/expected.json; nothing to feed it`);
        continue;
      }
      if (p.source.kind === "http") {
        const schedule = wiring.schedules.find((s) => s.input.includes(`"pipeline":"${p.name}"`));
        if (!schedule) throw new Error(`no schedule for pull pipeline ${p.name} in the applied stack`);
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/${sample.file}`;
        const run = await runner.fire(schedule, new Date(`${SAMPLE_INGEST_DATE}T06:00:00Z`), {
          INGEST_SOURCE_OVERRIDES: JSON.stringify({ [p.name]: url }),
        });
        if (run.error) throw new Error(`ingest ${p.name} failed: ${run.error.message}\n${run.logs}`);
        const result = run.result as { status?: string; reason?: string; key?: string };
        log(
          `${p.name}: schedule ${schedule.name} fired: ${result.status}${result.reason ? ` (${result.reason})` : ""}`,
        );
      } else {
        const key = `${p.name}/ingest_date=${SAMPLE_INGEST_DATE}/${sample.file}`;
        const uploaded = await putIfChanged(
          s3,
          buckets.drop,
          key,
          readFileSync(join(SAMPLES_DIR, sample.file)),
        );
        log(
          `${p.name}: ${uploaded ? "uploaded" : "unchanged, not uploaded again:"} s3://${buckets.drop}/${key}`,
        );
      }
    }
  } finally {
    server.close();
  }

  // S3 -> SNS -> SQS delivery in moto is asynchronous: poll until a few rounds in a row find nothing.
  const lambda = new LocalRunner(
    wiring,
    { endpoint, region },
    {
      idleRounds: 3,
      onBatch: (r) =>
        log(
          `${r.queue}: ${r.received} message(s) -> ${r.functionName}: ${r.succeeded} ok, ${r.failed} failed`,
        ),
    },
  );
  let batches = (await lambda.drain()).length;

  // The crawler chain, with stand-ins for what moto cannot run: each crawl emits the real state-change event through
  // the rule to the orchestrator's queue; the orchestrator (bundled) decides the next step. After the raw crawl, the
  // curated stage's ASL (from the stack's state) is walked for every complete ingest date not yet transformed.
  const catalog = new CatalogStandIn(catalogNames(wiring.outputs), { endpoint, region });
  const walks: string[] = [];
  for (let round = 0; round < 8; round++) {
    const crawled = [];
    for (const zone of await catalog.pendingCrawls()) {
      const result = await catalog.crawl(zone);
      crawled.push(zone);
      log(
        `crawler ${zone} (stand-in): ${result.events} event(s) read, ${result.partitions} partition(s) registered, Succeeded`,
      );
    }
    const orchestrated = (await lambda.drain()).length;
    batches += orchestrated;
    if (crawled.includes("raw"))
      for (const p of pipelines) {
        const dates = await catalog.datesToTransform(p.name);
        const definition = wiring.outputs[`curated_${p.name}_definition`];
        if (dates.length === 0 || definition === undefined) continue;
        // As the orchestrator does before it starts the state machine: a date transformed again replaces its rows.
        await clearCuratedDates(buckets.curated, p.name, dates, {
          s3,
          logger: { info: () => {}, warn: () => {} },
        });
        const runId = `${p.name}-local-${dates.join("_")}`;
        const result = await walk(
          JSON.parse(definition),
          { pipeline: p.name, runId, ingestDates: dates },
          catalog.taskHandlers(),
        );
        walks.push(`${p.name}: ${result.status} (${dates.join(", ")})`);
        log(`${p.name}: curated stage (ASL walked locally): ${result.trace.join(" -> ")}: ${result.status}`);
        if (result.status === "FAILED") log(`${p.name}: ${result.error?.Error}: ${result.error?.Cause}`);
      }
    if (crawled.length === 0 && orchestrated === 0) break;
  }

  const summaries: PipelineSummary[] = [];
  for (const p of pipelines) {
    const counted = await queryCurated(s3, [p], buckets.curated, `SELECT COUNT(*) AS n FROM ${p.name}`).catch(
      () => [],
    );
    summaries.push(await summarize(s3, p, buckets, Number(counted[0]?.["n"] ?? 0)));
  }
  const sqs = new SQSClient({ endpoint, region, credentials });
  const dlqDepth: Record<string, number> = {};
  for (const queue of Object.values(wiring.queues).filter((q) => q.name.endsWith("-dlq"))) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    dlqDepth[queue.name] = Number(Attributes?.["ApproximateNumberOfMessages"] ?? 0);
  }
  return { pipelines: summaries, dlqDepth, batches, standIns, walks };
}

async function summarize(
  s3: S3Client,
  p: PipelineDeclaration,
  buckets: { drop: string; raw: string; curated: string; quarantine: string },
  curatedRows: number,
): Promise<PipelineSummary> {
  const count = async (bucket: string, suffix: string) => {
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${p.name}/` }));
    return (Contents ?? []).filter((c) => (c.Key ?? "").endsWith(suffix)).map((c) => c.Key ?? "");
  };
  const rawRows = await queryRaw(s3, buckets.raw, p.name);
  const quarantined: { reason: string }[] = [];
  for (const key of await count(buckets.quarantine, ".ndjson")) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: buckets.quarantine, Key: key }));
    for (const line of ((await Body?.transformToString()) ?? "").split("\n"))
      if (line.trim()) quarantined.push(JSON.parse(line) as { reason: string });
  }
  const sample =
    curatedRows > 0
      ? await queryCurated(s3, [p], buckets.curated, `SELECT * FROM ${p.name} ORDER BY ALL LIMIT 3`)
      : [];
  return {
    pipeline: p.name,
    source: p.source.kind,
    dropFiles: (await count(buckets.drop, "")).length,
    rawFiles: (await count(buckets.raw, ".parquet")).length,
    rawRows,
    quarantinedRows: quarantined.length,
    quarantineReasons: quarantined.map((q) => q.reason),
    curatedRows,
    sample,
  };
}

async function queryRaw(s3: S3Client, rawBucket: string, pipeline: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "event-lake-raw-"));
  try {
    if ((await mirror(s3, rawBucket, `${pipeline}/`, dir)).length === 0) return 0;
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const glob = join(dir, pipeline, "**", "*.parquet").replaceAll("'", "''");
    const reader = await db.runAndReadAll(`SELECT COUNT(*) AS n FROM read_parquet('${glob}')`);
    const n = Number(reader.getRowObjects()[0]?.["n"] ?? 0);
    db.closeSync();
    return n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Uploads unless the same bytes are already there: a new version of identical content would be converted again. */
async function putIfChanged(s3: S3Client, bucket: string, key: string, body: Buffer): Promise<boolean> {
  const md5 = createHash("md5").update(body).digest("hex");
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ETag?.replaceAll('"', "") === md5) return false;
  } catch {
    // not there yet
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return true;
}

/** The samples on 127.0.0.1, with an ETag so ingest's conditional GET can skip an unchanged source. */
async function serveSamples(samples: Record<string, { file: string }>): Promise<Server> {
  const files = new Set(Object.values(samples).map((s) => s.file));
  const server = createServer((req, res) => {
    const file = (req.url ?? "/").slice(1);
    if (!files.has(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(join(SAMPLES_DIR, file));
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    res.writeHead(200, { ETag: etag, "Content-Type": "text/csv", "Content-Length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** The summary as a person reads it. */
export function formatSummary(summary: LocalRunSummary): string {
  const lines = ["", "event-lake, local: pipelines end to end", ""];
  lines.push("pipeline      source  drop files  raw files  raw rows  quarantined  curated rows");
  for (const p of summary.pipelines)
    lines.push(
      `${p.pipeline.padEnd(13)} ${p.source.padEnd(7)} ${String(p.dropFiles).padStart(10)} ${String(p.rawFiles).padStart(10)} ${String(p.rawRows).padStart(9)} ${String(p.quarantinedRows).padStart(12)} ${String(p.curatedRows).padStart(13)}`,
    );
  for (const p of summary.pipelines) {
    if (p.quarantineReasons.length > 0)
      lines.push("", `${p.pipeline}: quarantined rows`, ...p.quarantineReasons.map((r) => `  - ${r}`));
    if (p.sample.length > 0)
      lines.push(
        "",
        `${p.pipeline}: SELECT * FROM ${p.pipeline} ORDER BY ALL LIMIT 3`,
        ...p.sample.map((r) => `  ${JSON.stringify(r)}`),
      );
  }
  lines.push(
    "",
    "curated stage runs:",
    ...(summary.walks.length > 0
      ? summary.walks.map((w) => `  ${w}`)
      : ["  none needed: every complete ingest date is curated"]),
  );
  lines.push("", "dead-letter queues:");
  for (const [name, depth] of Object.entries(summary.dlqDepth)) lines.push(`  ${name}: ${depth}`);
  lines.push("", "stand-ins (moto cannot run these):", ...summary.standIns.map((s) => `  - ${s}`), "");
  return lines.join("\n");
}
