import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { partitionPrefix, REASON_SUFFIX, UNKNOWN_PIPELINE_PREFIX } from "../core/zone-keys.js";
import { walk } from "./asl.js";
import { mirror, queryCurated } from "./athena-standin.js";
import { CatalogStandIn, catalogNames } from "./catalog-standin.js";
import { LocalRunner } from "./runner.js";
import { deleteUnder, listKeys } from "./s3-objects.js";
import {
  groupReasons,
  type LocalRunSummary,
  type PipelineSummary,
  type QuarantinedFile,
  type QuarantinedRow,
  WAITING_RULE,
} from "./summary.js";
import type { LocalWiring } from "./wiring.js";

export type { LocalRunSummary, PipelineSummary } from "./summary.js";
export { formatSummary } from "./summary.js";

export const SAMPLES_DIR = "src/pipelines/samples";
/** Samples land under one fixed ingest date, so every run addresses the same objects. */
export const SAMPLE_INGEST_DATE = "2026-11-21";

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
  /** CURATE_TODAY=1: curate today's (UTC) ingest date now, not only once it has ended. @default false */
  curateToday?: boolean;
  /** What happened to terraform before this pass, said in the summary. */
  terraform?: string;
  /** The clock that decides which ingest dates are complete. @default new Date() */
  now?: Date;
}): Promise<LocalRunSummary> {
  const { wiring, pipelines, endpoint } = options;
  const curateToday = options.curateToday ?? false;
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  // The first date not curated yet: today, or tomorrow when today is curated on demand.
  const cutoff = curateToday ? nextDay(today) : today;
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
    // The first round also looks without a crawl: a date that has ended since the last pass (or today's, with
    // CURATE_TODAY) is curated even when no new file arrived; in AWS the orchestrator's next raw crawl would do it.
    if (crawled.includes("raw") || round === 0)
      for (const p of pipelines) {
        const dates = await catalog.datesToTransform(p.name, cutoff);
        const definition = wiring.outputs[`curated_${p.name}_definition`];
        if (dates.length === 0 || definition === undefined) continue;
        // As the orchestrator does before it starts the state machine: a date transformed again replaces its rows.
        for (const date of dates) await deleteUnder(s3, buckets.curated, partitionPrefix(p.name, date));
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
    const waiting = (await catalog.rawDates(p.name)).filter((d) => d >= cutoff);
    summaries.push(await summarize(s3, p, buckets, Number(counted[0]?.["n"] ?? 0), waiting));
  }
  const unknownFiles = await quarantinedFiles(s3, buckets.quarantine, `${UNKNOWN_PIPELINE_PREFIX}/`);
  const sqs = new SQSClient({ endpoint, region, credentials });
  const dlqDepth: Record<string, number> = {};
  for (const queue of Object.values(wiring.queues).filter((q) => q.name.endsWith("-dlq"))) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    dlqDepth[queue.name] = Number(Attributes?.["ApproximateNumberOfMessages"] ?? 0);
  }
  return {
    ...(options.terraform !== undefined ? { terraform: options.terraform } : {}),
    pipelines: summaries,
    unknownFiles,
    curateToday,
    dlqDepth,
    batches,
    standIns,
    walks,
  };
}

async function summarize(
  s3: S3Client,
  p: PipelineDeclaration,
  buckets: { drop: string; raw: string; curated: string; quarantine: string },
  curatedRows: number,
  waiting: readonly string[],
): Promise<PipelineSummary> {
  const prefix = `${p.name}/`;
  const rawRows = await queryRaw(s3, buckets.raw, p.name);
  const rows: QuarantinedRow[] = [];
  for (const key of (await listKeys(s3, buckets.quarantine, prefix)).filter((k) => k.endsWith(".ndjson"))) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: buckets.quarantine, Key: key }));
    for (const line of ((await Body?.transformToString()) ?? "").split("\n")) {
      if (!line.trim()) continue;
      const q = JSON.parse(line) as { source_key?: string; line?: number | null; reason: string };
      rows.push({ sourceKey: q.source_key ?? key, line: q.line ?? null, reason: q.reason });
    }
  }
  const sample =
    curatedRows > 0
      ? await queryCurated(s3, [p], buckets.curated, `SELECT * FROM ${p.name} ORDER BY ALL LIMIT 3`)
      : [];
  return {
    pipeline: p.name,
    source: p.source.kind,
    dropFiles: (await listKeys(s3, buckets.drop, prefix)).length,
    rawFiles: (await listKeys(s3, buckets.raw, prefix)).filter((k) => k.endsWith(".parquet")).length,
    rawRows,
    quarantinedRows: rows.length,
    reasonGroups: groupReasons(rows),
    quarantinedFiles: await quarantinedFiles(s3, buckets.quarantine, prefix),
    curatedRows,
    waiting,
    sample,
  };
}

/** Files quarantined whole under `prefix`: each has a `.reason.json` sidecar naming the source and the reason. */
async function quarantinedFiles(s3: S3Client, bucket: string, prefix: string): Promise<QuarantinedFile[]> {
  const files: QuarantinedFile[] = [];
  for (const key of (await listKeys(s3, bucket, prefix)).filter((k) => k.endsWith(REASON_SUFFIX))) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const sidecar = JSON.parse((await Body?.transformToString()) ?? "{}") as {
      source_key?: string;
      reason?: string;
    };
    files.push({ sourceKey: sidecar.source_key ?? key, reason: sidecar.reason ?? "(no reason recorded)" });
  }
  return files;
}

/** Why a pipeline has no curated rows, for `make local/query` (said instead of DuckDB's "does not exist"). */
export async function whyNotCurated(
  s3: S3Client,
  pipeline: string,
  rawBucket: string,
  today = new Date().toISOString().slice(0, 10),
): Promise<string> {
  const dates = [
    ...new Set(
      (await listKeys(s3, rawBucket, `${pipeline}/ingest_date=`))
        .map((k) => /ingest_date=(\d{4}-\d{2}-\d{2})\//.exec(k)?.[1])
        .filter((d): d is string => d !== undefined),
    ),
  ].sort();
  if (dates.length === 0)
    return `nothing of it has reached raw. Drop a file under ${pipeline}/ingest_date=YYYY-MM-DD/ in the drop bucket (README, "Your own file"), then make local/run`;
  const waiting = dates.filter((d) => d >= today);
  if (waiting.length === dates.length)
    return `its raw data is all dated ${waiting.join(", ")}, not complete yet: ${WAITING_RULE}`;
  return `raw holds complete dates (${dates.filter((d) => d < today).join(", ")}) not curated yet: make local/run curates them`;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
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
