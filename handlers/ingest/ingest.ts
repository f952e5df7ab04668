import { randomUUID } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Upload } from "@aws-sdk/lib-storage";
import type { HttpPullSource, PipelineDeclaration } from "../../src/core/pipeline.js";

/** The part of a Powertools Logger the core uses, so tests can pass a recorder. */
export interface IngestLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface IngestDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly secrets: SecretsManagerClient;
  readonly logger: IngestLogger;
  readonly clock: () => Date;
  /** Suffix that makes an unscheduled run id unique. @default 8 hex characters of a random UUID */
  readonly randomId?: () => string;
  readonly dropBucket: string;
  readonly runsTable: string;
  /** Multipart part size: memory stays near `partSize x queueSize` whatever the file size. @default 8 MiB */
  readonly partSize?: number;
  /** Days a run record is kept (epoch seconds in `expires_at`, the table's TTL attribute). @default 90 */
  readonly runRetentionDays?: number;
}

export const INGEST_DEFAULTS = { partSize: 8 * 1024 * 1024, queueSize: 2, runRetentionDays: 90 } as const;

export type RunStatus = "succeeded" | "skipped" | "failed";
export type SkipReason = "not-modified" | "unchanged" | "already-ingested";

export interface IngestRun {
  readonly pipeline: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly reason?: SkipReason;
  /** Where the file landed in the drop bucket (succeeded only). */
  readonly key?: string;
  readonly bytes: number;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Key of a pipeline's items in the runs table. */
export const runsPartitionKey = (pipeline: string): string => `pipeline#${pipeline}`;
/** Sort key of the item holding the last successful run's validators. */
export const LATEST_SORT_KEY = "latest";

/** `2026-11-22T04:00:00.000Z` -> `20261122T040000Z`: sortable, and safe in an S3 key. */
export function compactInstant(iso: string): string {
  return iso.replace(/\.\d+/, "").replace(/[-:]/g, "");
}

/** `<pipeline>/ingest_date=YYYY-MM-DD/<run-id>.<ext>`, where the drop-to-raw converter picks it up. */
export function dropKey(pipeline: PipelineDeclaration, runId: string, at: Date): string {
  const gzip = pipeline.format.compression === "gzip" ? ".gz" : "";
  return `${pipeline.name}/ingest_date=${at.toISOString().slice(0, 10)}/${runId}.${pipeline.format.type}${gzip}`;
}

/**
 * One pull of an HTTP pipeline: conditional GET with the last successful run's ETag / Last-Modified, the body
 * streamed into the drop bucket (multipart, never buffered whole), and a run record in the runs table. Skipped and
 * failed runs are recorded too; only a successful run moves the `latest` item. A failed run is returned, not thrown,
 * so the caller decides (the handler throws, which lets Lambda retry and then use the on-failure destination).
 */
export async function ingest(
  pipeline: PipelineDeclaration,
  deps: IngestDeps,
  options: { readonly scheduledTime?: string } = {},
): Promise<IngestRun> {
  if (pipeline.source.kind !== "http")
    throw new Error(
      `pipeline ${pipeline.name} is a ${pipeline.source.kind} pipeline; only http pipelines are pulled`,
    );
  const source = pipeline.source;
  const started = deps.clock();
  const runAt = options.scheduledTime !== undefined ? new Date(options.scheduledTime) : started;
  const runId =
    options.scheduledTime !== undefined
      ? compactInstant(options.scheduledTime)
      : `${compactInstant(started.toISOString())}-${(deps.randomId ?? defaultRandomId)()}`;
  const pk = runsPartitionKey(pipeline.name);
  const base = { pipeline: pipeline.name, runId, startedAt: started.toISOString() };
  const log = (level: keyof IngestLogger, message: string, extra: Record<string, unknown> = {}) =>
    deps.logger[level](message, { pipeline: pipeline.name, runId, ...extra });

  if (options.scheduledTime !== undefined) {
    const previous = await getItem(deps, pk, runId);
    if (previous?.status?.S === "succeeded") {
      log("info", "run already ingested; nothing to do", { key: previous.key?.S });
      return {
        ...base,
        status: "skipped",
        reason: "already-ingested",
        bytes: 0,
        finishedAt: deps.clock().toISOString(),
      };
    }
  }

  const latest = await getItem(deps, pk, LATEST_SORT_KEY);
  const known = { etag: latest?.etag?.S, lastModified: latest?.last_modified?.S };
  const headers = await resolveHeaders(source, deps.secrets);
  if (known.etag !== undefined) headers["if-none-match"] = known.etag;
  if (known.lastModified !== undefined) headers["if-modified-since"] = known.lastModified;
  log("info", "fetching", { url: source.url, headerNames: Object.keys(headers).sort() });

  let response: Response;
  try {
    response = await deps.fetch(source.url, { headers, redirect: "follow" });
  } catch (error) {
    return finish(
      deps,
      pk,
      { ...base, status: "failed", bytes: 0, error: `fetch failed: ${message(error)}` },
      log,
    );
  }
  const etag = response.headers.get("etag") ?? undefined;
  const lastModified = response.headers.get("last-modified") ?? undefined;
  const validators = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
  const httpStatus = response.status;

  if (httpStatus === 304) {
    await response.body?.cancel();
    return finish(
      deps,
      pk,
      { ...base, ...validators, status: "skipped", reason: "not-modified", bytes: 0, httpStatus },
      log,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    const error = `HTTP ${httpStatus} ${response.statusText}`.trim();
    return finish(deps, pk, { ...base, ...validators, status: "failed", bytes: 0, httpStatus, error }, log);
  }
  // A server that ignores conditional requests still tells us the content did not change.
  const unchanged =
    (etag !== undefined && etag === known.etag) ||
    (etag === undefined && lastModified !== undefined && lastModified === known.lastModified);
  if (unchanged) {
    await response.body?.cancel();
    return finish(
      deps,
      pk,
      { ...base, ...validators, status: "skipped", reason: "unchanged", bytes: 0, httpStatus },
      log,
    );
  }

  const key = dropKey(pipeline, runId, runAt);
  const counter = new ByteCounter();
  try {
    const body = response.body
      ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      : Readable.from([]);
    const upload = new Upload({
      client: deps.s3,
      params: {
        Bucket: deps.dropBucket,
        Key: key,
        Body: body.pipe(counter),
        ContentType: response.headers.get("content-type") ?? "application/octet-stream",
        Metadata: { pipeline: pipeline.name, "run-id": runId },
      },
      partSize: deps.partSize ?? INGEST_DEFAULTS.partSize,
      queueSize: INGEST_DEFAULTS.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
  } catch (error) {
    return finish(
      deps,
      pk,
      {
        ...base,
        ...validators,
        status: "failed",
        bytes: counter.bytes,
        httpStatus,
        error: `upload failed: ${message(error)}`,
      },
      log,
    );
  }
  return finish(
    deps,
    pk,
    { ...base, ...validators, status: "succeeded", key, bytes: counter.bytes, httpStatus },
    log,
  );
}

/** Plain header values as given; `{ secret }` values read from Secrets Manager (never logged). */
export async function resolveHeaders(
  source: HttpPullSource,
  secrets: SecretsManagerClient,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (typeof value === "string") {
      resolved[name.toLowerCase()] = value;
      continue;
    }
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: value.secret }));
    if (secret.SecretString === undefined)
      throw new Error(`secret ${value.secret} for header ${name} has no string value`);
    resolved[name.toLowerCase()] = secret.SecretString;
  }
  return resolved;
}

async function finish(
  deps: IngestDeps,
  pk: string,
  run: Omit<IngestRun, "finishedAt">,
  log: (level: keyof IngestLogger, message: string, extra?: Record<string, unknown>) => void,
): Promise<IngestRun> {
  const done: IngestRun = { ...run, finishedAt: deps.clock().toISOString() };
  const days = deps.runRetentionDays ?? INGEST_DEFAULTS.runRetentionDays;
  const item = runItem(pk, done, Math.floor(deps.clock().getTime() / 1000) + days * 86_400);
  if (done.status === "succeeded") {
    const latest: Record<string, AttributeValue> = {
      pk: { S: pk },
      sk: { S: LATEST_SORT_KEY },
      run_id: { S: done.runId },
      updated_at: { S: done.finishedAt },
      ...(done.key !== undefined ? { key: { S: done.key } } : {}),
      ...(done.etag !== undefined ? { etag: { S: done.etag } } : {}),
      ...(done.lastModified !== undefined ? { last_modified: { S: done.lastModified } } : {}),
    };
    // Both or neither: a `latest` item without its run record (or the reverse) would confuse the next run.
    await deps.dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: deps.runsTable, Item: item } },
          { Put: { TableName: deps.runsTable, Item: latest } },
        ],
      }),
    );
  } else {
    await deps.dynamo.send(new PutItemCommand({ TableName: deps.runsTable, Item: item }));
  }
  const level = done.status === "failed" ? "error" : "info";
  log(level, `run ${done.status}`, {
    status: done.status,
    reason: done.reason,
    key: done.key,
    bytes: done.bytes,
    httpStatus: done.httpStatus,
    error: done.error,
  });
  return done;
}

function runItem(pk: string, run: IngestRun, expiresAt: number): Record<string, AttributeValue> {
  const optional: [string, string | number | undefined][] = [
    ["reason", run.reason],
    ["key", run.key],
    ["etag", run.etag],
    ["last_modified", run.lastModified],
    ["http_status", run.httpStatus],
    ["error", run.error],
  ];
  const item: Record<string, AttributeValue> = {
    pk: { S: pk },
    sk: { S: run.runId },
    pipeline: { S: run.pipeline },
    run_id: { S: run.runId },
    status: { S: run.status },
    bytes: { N: String(run.bytes) },
    started_at: { S: run.startedAt },
    finished_at: { S: run.finishedAt },
    expires_at: { N: String(expiresAt) },
  };
  for (const [name, value] of optional)
    if (value !== undefined) item[name] = typeof value === "number" ? { N: String(value) } : { S: value };
  return item;
}

async function getItem(
  deps: IngestDeps,
  pk: string,
  sk: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const result = await deps.dynamo.send(
    new GetItemCommand({
      TableName: deps.runsTable,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/** Counts bytes as they stream past, without holding them. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

function defaultRandomId(): string {
  return randomUUID().replace(/-/g, "").slice(0, 8);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
