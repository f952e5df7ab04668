/**
 * Load run (issue #9.3): a fresh moto on a free port, the real `local` stack synthesized and applied to it (exactly as
 * the lake tests' global setup does), then LOAD_FILES small files (both pipelines, some with bad rows) put into the
 * drop bucket LOAD_PUT_CONCURRENCY at a time while the local runner drains the converter's queue with
 * LOAD_CONCURRENCY parallel pollers (each one `deliverOnce` at a time, as Lambda runs up to the mapping's maximum
 * concurrency of invocations). Reports files/s and end-to-end latency (PutObject returned -> the ledger item's
 * completed_at) and checks that nothing was lost or duplicated: every file has exactly one `done` ledger item, and
 * its rows in raw (read back with hyparquet) plus its quarantined rows equal its input rows, bad rows exactly where
 * they were planted. Only the converter's queue is drained: the catalog queues' consumers are not part of this run.
 *
 *   node --import tsx bench/load.ts      (writes bench/out/load.json; exit 1 if anything was lost or duplicated)
 *
 * LOAD_FILES (500), LOAD_CONCURRENCY (4, at most the mapping's maximum concurrency), LOAD_PUT_CONCURRENCY (16),
 * LOAD_RATE (files put per second; unset: a burst, all as fast as LOAD_PUT_CONCURRENCY allows), LOAD_OUT (load.json).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { clickLine, FAULT_DATE, ORDERS_HEADER, orderLine } from "../src/local/faults/cases.js";
import { collectOutputs, ledgerEntries, linesAccounted, pool } from "../src/local/faults/outputs.js";
import { startMoto, stopMoto } from "../src/local/moto.js";
import { type BatchReport, LocalRunner } from "../src/local/runner.js";
import { type LocalWiring, wiringFromState } from "../src/local/wiring.js";
import { runTerraform } from "../src/terraform/run.js";
import { applyLocalStack } from "../src/testing/apply-local.js";
import { motoClientConfig } from "../src/testing/moto.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_FILE = join(HERE, "out", process.env["LOAD_OUT"] ?? "load.json");
const FILES = Number(process.env["LOAD_FILES"] ?? 500);
const CONCURRENCY = Number(process.env["LOAD_CONCURRENCY"] ?? 4);
const PUT_CONCURRENCY = Number(process.env["LOAD_PUT_CONCURRENCY"] ?? 16);
/** Files put per second; unset: all at once (a burst, so latency mostly measures the backlog). */
const RATE = process.env["LOAD_RATE"] !== undefined ? Number(process.env["LOAD_RATE"]) : undefined;
const REGION = "us-east-1";

/** One generated file: what was put, and what must come of it. */
interface LoadFile {
  readonly key: string;
  readonly body: Buffer;
  readonly lines: number;
  readonly bad: number;
  putAt?: number;
}

/** Deterministic mix: 60% orders CSV, 40% clickstream NDJSON, 10-60 rows each; every 4th file has 1-3 bad rows. */
export function generate(count: number): LoadFile[] {
  const files: LoadFile[] = [];
  for (let i = 0; i < count; i++) {
    const rows = 10 + ((i * 37) % 51);
    const bad = i % 4 === 0 ? 1 + (i % 3) : 0;
    const badAt = new Set(Array.from({ length: bad }, (_, b) => (b * 7 + i) % rows));
    const orders = i % 5 < 3;
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      const n = i * 100 + r;
      if (badAt.has(r))
        lines.push(orders ? `${1000 + n},${n},DE,SKU-${n},two,1.5,2026-11-20T08:00:00Z,true` : "{not json");
      else
        lines.push(
          orders
            ? orderLine(n, r % 3 === 0 ? "FR" : "DE")
            : clickLine(n, r % 2 === 0 ? "click" : "page_view"),
        );
    }
    files.push({
      key: orders
        ? `orders/ingest_date=${FAULT_DATE}/load-${String(i).padStart(4, "0")}.csv`
        : `clickstream/ingest_date=${FAULT_DATE}/load-${String(i).padStart(4, "0")}.ndjson`,
      body: Buffer.from(`${(orders ? [ORDERS_HEADER, ...lines] : lines).join("\n")}\n`),
      lines: rows,
      bad: badAt.size,
    });
  }
  return files;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Applies the local stack to a fresh moto (src/testing/apply-local.ts, as the lake tests do); returns its wiring. */
async function applyLake(
  stateDir: string,
  endpoint: string,
): Promise<{ wiring: LocalWiring; seconds: number }> {
  const started = performance.now();
  const { stackDir: cwd, options } = await applyLocalStack(stateDir, endpoint);
  const { stdout } = await runTerraform(["show", "-json", "-no-color"], { ...options, timeoutMs: 120_000 });
  return { wiring: wiringFromState(JSON.parse(stdout), cwd), seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), "event-lake-load-"));
  const moto = await startMoto({ dir: stateDir });
  try {
    process.stderr.write(`moto on ${moto.endpoint}; applying the local stack…\n`);
    const { wiring, seconds: applySeconds } = await applyLake(stateDir, moto.endpoint);
    process.stderr.write(`applied in ${applySeconds.toFixed(0)} s\n`);
    const out = (name: string) => {
      const value = wiring.outputs[name];
      if (value === undefined) throw new Error(`the local stack has no output "${name}"`);
      return value;
    };
    const aws = { endpoint: moto.endpoint, region: REGION };
    const s3 = new S3Client(motoClientConfig(moto.endpoint, REGION));
    const sqs = new SQSClient(motoClientConfig(moto.endpoint, REGION));
    const dynamo = new DynamoDBClient(motoClientConfig(moto.endpoint, REGION));
    const converter = wiring.mappings.find((m) => m.functionName.endsWith("drop-to-raw"));
    if (!converter) throw new Error("no drop-to-raw mapping in the wiring");
    const pollers = Math.max(1, Math.min(CONCURRENCY, converter.maxConcurrency));
    const runner = new LocalRunner(wiring, aws);
    const files = generate(FILES);

    // Put and drain at once, as in AWS: the pollers start before the first put.
    const started = performance.now();
    const startedAt = Date.now();
    let putsDone = false;
    const reports: BatchReport[] = [];
    let putSeconds = 0;
    const puts = pool(files, PUT_CONCURRENCY, async (file, i) => {
      if (RATE !== undefined) {
        const wait = startedAt + (i * 1000) / RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await s3.send(
        new PutObjectCommand({ Bucket: out("drop_bucket_name"), Key: file.key, Body: file.body }),
      );
      file.putAt = Date.now();
    }).then(() => {
      putsDone = true;
      putSeconds = (performance.now() - started) / 1000;
    });
    const poller = async () => {
      for (let empty = 0; empty < 3; ) {
        const report = await runner.deliverOnce(converter);
        if (report) {
          reports.push(report);
          empty = 0;
          if (reports.length % 20 === 0)
            process.stderr.write(`  ${reports.reduce((n, r) => n + r.received, 0)} messages delivered\n`);
          continue;
        }
        if (putsDone) {
          const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: converter.queue.url,
              AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            }),
          );
          const left =
            Number(Attributes?.["ApproximateNumberOfMessages"] ?? 0) +
            Number(Attributes?.["ApproximateNumberOfMessagesNotVisible"] ?? 0);
          if (left === 0) empty++;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await Promise.all([puts, ...Array.from({ length: pollers }, poller)]);
    const wallSeconds = (performance.now() - started) / 1000;

    // Account for every file.
    const ledger = await ledgerEntries(dynamo, out("drop_to_raw_ledger_table_name"));
    const outputs = await collectOutputs(
      s3,
      { raw: out("raw_bucket_name"), quarantine: out("quarantine_bucket_name") },
      [`orders/ingest_date=${FAULT_DATE}/`, `clickstream/ingest_date=${FAULT_DATE}/`],
    );
    const { Attributes: dlq } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: out("drop_to_raw_dlq_url"),
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    let lost = 0;
    let duplicated = 0;
    let misplaced = 0;
    let inputRows = 0;
    let rawRows = 0;
    let quarantinedRows = 0;
    const latencies: number[] = [];
    const problems: string[] = [];
    let lastDone = startedAt;
    for (const file of files) {
      inputRows += file.lines;
      const entries = ledger.get(file.key) ?? [];
      const done = entries.filter((e) => e.status === "done");
      if (done.length !== 1 || entries.length !== 1)
        problems.push(`${file.key}: ${entries.length} ledger items, ${done.length} done`);
      const o = outputs.get(file.key);
      const accounted = linesAccounted(o);
      rawRows += o?.raw.length ?? 0;
      quarantinedRows += o?.quarantined.length ?? 0;
      lost += Math.max(0, file.lines - accounted);
      duplicated += Math.max(0, accounted - file.lines);
      if ((o?.quarantined.length ?? 0) !== file.bad || (o?.raw.length ?? 0) !== file.lines - file.bad) {
        misplaced++;
        problems.push(
          `${file.key}: ${o?.raw.length ?? 0} raw + ${o?.quarantined.length ?? 0} quarantined, expected ${file.lines - file.bad} + ${file.bad}`,
        );
      }
      const completedAt = done[0]?.completedAt;
      if (completedAt !== undefined && file.putAt !== undefined) {
        const at = Date.parse(completedAt);
        latencies.push(at - file.putAt);
        lastDone = Math.max(lastDone, at);
      }
    }
    latencies.sort((a, b) => a - b);
    const invocations = reports.length;
    const failedRecords = reports.reduce((n, r) => n + r.failed, 0);
    const processingSeconds = (lastDone - startedAt) / 1000;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version },
      files: FILES,
      inputRows,
      rawRows,
      quarantinedRows,
      pollers,
      mapping: { batchSize: converter.batchSize, maxConcurrency: converter.maxConcurrency },
      putConcurrency: PUT_CONCURRENCY,
      putRate: RATE ?? null,
      putSeconds: Number(putSeconds.toFixed(1)),
      applySeconds: Number(applySeconds.toFixed(1)),
      wallSeconds: Number(wallSeconds.toFixed(1)),
      filesPerSecond: Number((FILES / processingSeconds).toFixed(2)),
      rowsPerSecond: Math.round(inputRows / processingSeconds),
      latencyMs: {
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
        measured: latencies.length,
      },
      invocations,
      messagesDelivered: reports.reduce((n, r) => n + r.received, 0),
      failedRecords,
      invocationMs: {
        p50: percentile(
          reports.map((r) => r.invocation.durationMs).sort((a, b) => a - b),
          50,
        ),
        p90: percentile(
          reports.map((r) => r.invocation.durationMs).sort((a, b) => a - b),
          90,
        ),
      },
      dlqMessages: Number(dlq?.["ApproximateNumberOfMessages"] ?? 0),
      lostRows: lost,
      duplicatedRows: duplicated,
      misplacedFiles: misplaced,
      problems: problems.slice(0, 20),
    };
    mkdirSync(dirname(OUT_FILE), { recursive: true });
    writeFileSync(OUT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    console.table({
      files: result.files,
      "input rows": result.inputRows,
      "raw rows": result.rawRows,
      "quarantined rows": result.quarantinedRows,
      pollers: result.pollers,
      "put rate (files/s)": result.putRate ?? "burst",
      "put seconds": result.putSeconds,
      "files/s": result.filesPerSecond,
      "rows/s": result.rowsPerSecond,
      "latency p50 ms": result.latencyMs.p50,
      "latency p90 ms": result.latencyMs.p90,
      "latency p99 ms": result.latencyMs.p99,
      invocations: result.invocations,
      "invocation p50 ms": result.invocationMs.p50,
      "failed records": result.failedRecords,
      "DLQ messages": result.dlqMessages,
      "lost rows": result.lostRows,
      "duplicated rows": result.duplicatedRows,
      "misplaced files": result.misplacedFiles,
    });
    if (problems.length > 0) console.log(problems.slice(0, 20).join("\n"));
    const ok =
      lost === 0 && duplicated === 0 && misplaced === 0 && problems.length === 0 && result.dlqMessages === 0;
    return ok ? 0 : 1;
  } finally {
    await stopMoto(stateDir);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
