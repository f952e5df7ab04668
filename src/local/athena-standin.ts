import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { download, listKeys } from "./s3-objects.js";

/** Helpers shared by the local stand-ins and `make local/query`: moto's S3 as local Parquet for DuckDB. */

/** Mirrors `prefix` of a bucket into `dir`, keeping the hive-style folders DuckDB reads partitions from. */
export async function mirror(s3: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys = (await listKeys(s3, bucket, prefix)).filter((k) => k.endsWith(".parquet"));
  for (const key of keys) {
    const target = join(dir, key);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await download(s3, bucket, key));
  }
  return keys;
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

function _walk(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? _walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  } catch {
    return [];
  }
}
