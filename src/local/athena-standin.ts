import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PipelineDeclaration } from "../pipelines/types.js";

/**
 * Stand-in for Athena, which moto does not execute: the curated transform runs on DuckDB over the raw Parquet in
 * moto's S3, and the result is written back to the curated zone as `INSERT INTO` would, one ingest date at a time
 * (`<pipeline>/ingest_date=D/part-0.parquet`, replaced on every run, so a second run adds nothing).
 */
export interface CuratedResult {
  readonly pipeline: string;
  readonly dates: readonly string[];
  readonly rows: number;
  readonly keys: readonly string[];
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ""));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** Mirrors `prefix` of a bucket into `dir`, keeping the hive-style folders DuckDB reads partitions from. */
export async function mirror(s3: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys = (await listKeys(s3, bucket, prefix)).filter((k) => k.endsWith(".parquet"));
  for (const key of keys) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const target = join(dir, key);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from((await Body?.transformToByteArray()) ?? []));
  }
  return keys;
}

/** `{{raw}}` in a transform, bound to one ingest date's raw rows. */
export function bindTransform(sql: string, rawRelation: string): string {
  return sql.replaceAll("{{raw}}", rawRelation);
}

export async function runCuratedTransform(
  s3: S3Client,
  pipeline: PipelineDeclaration,
  buckets: { raw: string; curated: string },
): Promise<CuratedResult> {
  const work = mkdtempSync(join(tmpdir(), "event-lake-athena-"));
  try {
    const rawKeys = await mirror(s3, buckets.raw, `${pipeline.name}/`, work);
    if (rawKeys.length === 0) return { pipeline: pipeline.name, dates: [], rows: 0, keys: [] };
    const instance = await DuckDBInstance.create(":memory:");
    const db = await instance.connect();
    const glob = join(work, pipeline.name, "**", "*.parquet").replaceAll("'", "''");
    await db.run(
      `CREATE VIEW raw AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`,
    );
    const dates = (
      await (
        await db.runAndReadAll("SELECT DISTINCT CAST(ingest_date AS VARCHAR) AS d FROM raw ORDER BY d")
      ).getRowObjects()
    ).map((r) => String(r["d"]));
    const out = join(work, "curated");
    let rows = 0;
    for (const date of dates) {
      const relation = `(SELECT * FROM raw WHERE CAST(ingest_date AS VARCHAR) = '${date}')`;
      const file = join(out, pipeline.name, `ingest_date=${date}`, "part-0.parquet");
      mkdirSync(dirname(file), { recursive: true });
      const select = bindTransform(pipeline.transform.sql, relation);
      const count = await db.runAndReadAll(`SELECT COUNT(*) AS n FROM (${select})`);
      rows += Number(count.getRowObjects()[0]?.["n"] ?? 0);
      await db.run(
        `COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION snappy)`,
      );
    }
    db.closeSync();
    // Replace the pipeline's curated data: what is there now is exactly what this run computed.
    const stale = await listKeys(s3, buckets.curated, `${pipeline.name}/`);
    if (stale.length > 0)
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: buckets.curated,
          Delete: { Objects: stale.map((Key) => ({ Key })) },
        }),
      );
    const keys: string[] = [];
    for (const file of walk(out)) {
      const key = relative(out, file);
      await s3.send(new PutObjectCommand({ Bucket: buckets.curated, Key: key, Body: readFileSync(file) }));
      keys.push(key);
    }
    return { pipeline: pipeline.name, dates, rows, keys };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs any SQL over the local curated zone: one view per pipeline, named after it. */
export async function queryCurated(
  s3: S3Client,
  pipelines: readonly PipelineDeclaration[],
  curatedBucket: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const work = mkdtempSync(join(tmpdir(), "event-lake-query-"));
  try {
    const instance = await DuckDBInstance.create(":memory:");
    const db = await instance.connect();
    for (const p of pipelines) {
      const keys = await mirror(s3, curatedBucket, `${p.name}/`, work);
      if (keys.length === 0) continue;
      const glob = join(work, p.name, "**", "*.parquet").replaceAll("'", "''");
      await db.run(
        `CREATE VIEW ${p.name} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`,
      );
    }
    const reader = await db.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    db.closeSync();
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function walk(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  } catch {
    return [];
  }
}
