import { createHash } from "node:crypto";
import { partitionPrefix } from "../../src/core/zone-keys.js";

/**
 * Where a dropped object's outputs go. Every name is a pure function of the source object's identity (bucket, key,
 * and version id, or ETag when the bucket is unversioned), so a redelivered or retried object writes the same
 * objects again: it overwrites, it never duplicates. Every output of one object goes under its ingest date's
 * `partitionPrefix` (src/core/zone-keys.ts, shared with the tools that read the zones).
 */

/** One version of one object in the drop zone. */
export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
  /** Without quotes. */
  readonly eTag?: string | undefined;
}

/** The pipeline an object belongs to: the first segment of its key, if the key has more than one. */
export function pipelineOf(key: string): string | undefined {
  const slash = key.indexOf("/");
  return slash > 0 ? key.slice(0, slash) : undefined;
}

/** `YYYY-MM-DD` of an `ingest_date=YYYY-MM-DD` segment of the key, if there is a valid one. */
export function ingestDateInKey(key: string): string | undefined {
  const match = /(?:^|\/)ingest_date=(\d{4}-\d{2}-\d{2})(?:\/|$)/.exec(key);
  const date = match?.[1];
  if (date === undefined) return undefined;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? date : undefined;
}

/** The ingest date: from the key when it carries one, else the UTC day of `fallback` (LastModified, event time). */
export function ingestDate(key: string, fallback: Date): string {
  const inKey = ingestDateInKey(key);
  if (inKey !== undefined) return inKey;
  if (Number.isNaN(fallback.getTime()))
    throw new Error(`no ingest date for ${key}: the fallback time is invalid`);
  return fallback.toISOString().slice(0, 10);
}

/** The version part of the identity: `v=<versionId>`, or `etag=<etag>` for unversioned buckets. */
export function versionTag(object: ObjectIdentity): string {
  if (object.versionId !== undefined && object.versionId !== "null") return `v=${object.versionId}`;
  if (object.eTag !== undefined) return `etag=${object.eTag}`;
  throw new Error(`s3://${object.bucket}/${object.key} has neither a version id nor an ETag`);
}

/** The idempotency ledger's key: `s3://<bucket>/<key>#v=<versionId>` or `...#etag=<etag>`. */
export function ledgerKey(object: ObjectIdentity): string {
  return `s3://${object.bucket}/${object.key}#${versionTag(object)}`;
}

/**
 * `<stem>-<hash>`: the base name of every output object. `stem` is the key's file name up to its first dot, reduced
 * to [A-Za-z0-9_-] (for people reading listings); `hash` is 16 hex digits of SHA-256 over the identity.
 */
export function outputName(object: ObjectIdentity): string {
  const hash = createHash("sha256")
    .update(`${object.bucket}\n${object.key}\n${versionTag(object)}`)
    .digest("hex")
    .slice(0, 16);
  const file = object.key.slice(object.key.lastIndexOf("/") + 1);
  const stem = file
    .split(".")[0]
    ?.replace(/[^A-Za-z0-9_-]+/g, "_")
    .slice(0, 48);
  return stem ? `${stem}-${hash}` : hash;
}

/** The file name's extensions (`.csv.gz`), reduced to safe characters; empty when there are none. */
export function extensionOf(key: string): string {
  const file = key.slice(key.lastIndexOf("/") + 1);
  const dot = file.indexOf(".");
  if (dot < 0) return "";
  return file
    .slice(dot)
    .replace(/[^A-Za-z0-9.]+/g, "_")
    .slice(0, 24);
}

/** The raw-zone key of a Parquet file DuckDB wrote at `relativeKey` (`country=DE/<name>_0.parquet`). */
export function rawKey(pipeline: string, date: string, relativeKey: string): string {
  return `${partitionPrefix(pipeline, date)}${relativeKey}`;
}

/**
 * The one naming rule for an output name's Parquet files, shared by the writer and by supersede.ts (which finds an
 * older version's files by it): `<name>_<i>.parquet`. DuckDB writes that into each partition directory of a
 * partitioned pipeline (FILENAME_PATTERN {@link parquetFilePattern}); an unpartitioned pipeline's one file is
 * {@link parquetFileName}, the same shape.
 */
export function parquetFilePattern(name: string): string {
  return `${name}_{i}`;
}

/** The file of an unpartitioned pipeline: `<name>_0.parquet`, as DuckDB names a partition's first file. */
export function parquetFileName(name: string): string {
  return `${name}_0.parquet`;
}

/**
 * Whether `file` (a base name) is one of `name`'s Parquet files: `<name>_<i>.parquet`, or `<name>.parquet`, the name
 * unpartitioned pipelines were written under before the rule above (so a re-sent file still replaces those).
 */
export function isParquetOf(name: string, file: string): boolean {
  if (!file.startsWith(name) || !file.endsWith(".parquet")) return false;
  const middle = file.slice(name.length, -".parquet".length);
  return middle === "" || /^_\d+$/.test(middle);
}

/** The quarantine NDJSON of an object's rejected rows. */
export function quarantineRowsKey(pipeline: string, date: string, name: string): string {
  return `${partitionPrefix(pipeline, date)}${name}.ndjson`;
}

/** Where a rejected file's copy goes (its sidecar is the same key plus `.reason.json`). */
export function quarantineFileKey(pipeline: string, date: string, name: string, key: string): string {
  return `${partitionPrefix(pipeline, date)}${name}${extensionOf(key)}`;
}
