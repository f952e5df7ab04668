import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from "@aws-sdk/client-s3";
import { readParquet } from "../../testing/parquet.js";
import { download, listKeys } from "../s3-objects.js";
import { linesIn } from "./cases.js";

/**
 * What the lake made of dropped objects, read back independently of the converter: raw Parquet with hyparquet
 * (grouped by `_source_key`), quarantine NDJSON lines and `.reason.json` sidecars (by `source_key`), ledger items
 * (by `source_key`). Used by the fault suite and the load run to account for every input line.
 */

export interface QuarantinedRow {
  readonly source_key: string;
  readonly line: number;
  readonly column: string | null;
  readonly reason: string;
  readonly row: string;
}

export interface Sidecar {
  readonly source_key: string;
  readonly reason: string;
  readonly copy_key: string;
}

export interface LedgerEntry {
  readonly pk: string;
  readonly sourceKey: string;
  readonly status: string;
  readonly outcome: string | undefined;
  readonly reason: string | undefined;
  readonly attempts: number;
  readonly rowsIn: number | undefined;
  readonly rowsOut: number | undefined;
  readonly rowsRejected: number | undefined;
  readonly completedAt: string | undefined;
}

export interface SourceOutputs {
  readonly raw: Record<string, unknown>[];
  readonly quarantined: QuarantinedRow[];
  readonly sidecars: Sidecar[];
  readonly rawObjects: Set<string>;
}

export interface LakeBuckets {
  readonly raw: string;
  readonly quarantine: string;
}

/** Every output under `prefixes` (in both zones), grouped by the source key it came from. */
export async function collectOutputs(
  s3: S3Client,
  buckets: LakeBuckets,
  prefixes: readonly string[],
  concurrency = 8,
): Promise<Map<string, SourceOutputs>> {
  const bySource = new Map<string, SourceOutputs>();
  const of = (key: string): SourceOutputs => {
    let entry = bySource.get(key);
    if (entry === undefined) {
      entry = { raw: [], quarantined: [], sidecars: [], rawObjects: new Set() };
      bySource.set(key, entry);
    }
    return entry;
  };
  const dir = mkdtempSync(join(tmpdir(), "fault-outputs-"));
  try {
    const rawKeys = (await Promise.all(prefixes.map((p) => listKeys(s3, buckets.raw, p)))).flat();
    const quarantineKeys = (
      await Promise.all(prefixes.map((p) => listKeys(s3, buckets.quarantine, p)))
    ).flat();
    await pool(
      rawKeys.filter((k) => k.endsWith(".parquet")),
      concurrency,
      async (key, i) => {
        const file = join(dir, `${i}.parquet`);
        writeFileSync(file, await download(s3, buckets.raw, key));
        for (const row of (await readParquet(file)).rows) {
          const entry = of(String(row["_source_key"]));
          entry.raw.push(row);
          entry.rawObjects.add(key);
        }
        rmSync(file);
      },
    );
    await pool(quarantineKeys, concurrency, async (key) => {
      if (key.endsWith(".reason.json")) {
        const sidecar = JSON.parse((await download(s3, buckets.quarantine, key)).toString("utf8")) as Sidecar;
        of(sidecar.source_key).sidecars.push(sidecar);
      } else if (key.endsWith(".ndjson"))
        for (const text of (await download(s3, buckets.quarantine, key)).toString("utf8").split("\n"))
          if (text.trim() !== "") {
            const line = JSON.parse(text) as QuarantinedRow;
            of(line.source_key).quarantined.push(line);
          }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const entry of bySource.values()) entry.quarantined.sort((a, b) => a.line - b.line);
  return bySource;
}

/** Input lines a raw row stands for: one, plus any line break inside its string values (a quoted newline). */
export function rawLines(row: Record<string, unknown>): number {
  let lines = 1;
  for (const [name, value] of Object.entries(row))
    if (name !== "_source_key" && typeof value === "string") lines += value.split("\n").length - 1;
  return lines;
}

/** Input lines the outputs of one source account for: raw rows plus every line of every quarantined record. */
export function linesAccounted(outputs: SourceOutputs | undefined): number {
  if (outputs === undefined) return 0;
  return (
    outputs.raw.reduce((n, r) => n + rawLines(r), 0) +
    outputs.quarantined.reduce((n, q) => n + linesIn(q.row), 0)
  );
}

/** Every ledger item, by source key (a source key may have several versions). */
export async function ledgerEntries(
  dynamo: DynamoDBClient,
  table: string,
): Promise<Map<string, LedgerEntry[]>> {
  const entries = new Map<string, LedgerEntry[]>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const n = (name: string) => (item[name]?.N !== undefined ? Number(item[name]?.N) : undefined);
      const entry: LedgerEntry = {
        pk: item["pk"]?.S ?? "",
        sourceKey: item["source_key"]?.S ?? "",
        status: item["status"]?.S ?? "",
        outcome: item["outcome"]?.S,
        reason: item["reason"]?.S,
        attempts: n("attempts") ?? 0,
        rowsIn: n("rows_in"),
        rowsOut: n("rows_out"),
        rowsRejected: n("rows_rejected"),
        completedAt: item["completed_at"]?.S,
      };
      entries.set(entry.sourceKey, [...(entries.get(entry.sourceKey) ?? []), entry]);
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return entries;
}

/** Deletes every version (and delete marker) under `prefix`: leaves the shared lake as other tests expect it. */
export async function deleteAllVersions(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? "",
      VersionId: v.VersionId,
    }));
    if (objects.length === 0) return deleted;
    for (let i = 0; i < objects.length; i += 1000)
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: objects.slice(i, i + 1000), Quiet: true },
        }),
      );
    deleted += objects.length;
  }
}

/** Deletes the ledger items of the given source keys. */
export async function deleteLedgerItems(
  dynamo: DynamoDBClient,
  table: string,
  entries: Iterable<LedgerEntry>,
): Promise<void> {
  for (const entry of entries)
    await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: entry.pk } } }));
}

/** Runs `task` over `items`, `concurrency` at a time. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await task(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
