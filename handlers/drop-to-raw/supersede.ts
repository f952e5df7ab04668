import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { partitionPrefix } from "../../src/core/zone-keys.js";
import { isParquetOf, outputName } from "./paths.js";

/**
 * A key's newest version wins. Putting a file again under the same key (a producer re-sending a corrected file, or
 * the same one) makes a new S3 version, a new ledger item and new outputs; without this, raw would hold the rows of
 * both versions. So, for a versioned drop bucket:
 *
 * - before converting, a version that is no longer the key's newest is not converted (its newer version's event
 *   converts the newer content);
 * - after writing, the newest version deletes the raw and quarantine outputs of every other version of its key;
 * - a version that lost that race while it was converting (a newer one was put meanwhile) deletes its own outputs.
 *
 * Every output name derives from the version (paths.ts), so the outputs of a version are found by name: its Parquet
 * files (paths.ts's `isParquetOf`, the rule the writer names them by, for every pipeline shape) anywhere under the
 * version's ingest-date partition of raw, and `<name>…` under that partition of quarantine. Objects of an unversioned bucket (identified by ETag) are left alone: there is no version order.
 */

export interface VersionOfKey {
  readonly versionId: string;
  readonly lastModified: Date;
}

/** The key's object versions, newest first (delete markers left out), as S3 lists them. */
export async function versionsOf(s3: S3Client, bucket: string, key: string): Promise<VersionOfKey[]> {
  const versions: VersionOfKey[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let newest: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: key,
        ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
        ...(versionIdMarker !== undefined ? { VersionIdMarker: versionIdMarker } : {}),
      }),
    );
    for (const v of page.Versions ?? []) {
      // The prefix also matches longer keys (`a.csv` and `a.csv.bak`).
      if (v.Key !== key || v.VersionId === undefined || v.LastModified === undefined) continue;
      versions.push({ versionId: v.VersionId, lastModified: v.LastModified });
      if (v.IsLatest === true) newest = v.VersionId;
    }
    if (page.IsTruncated !== true) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  } while (keyMarker !== undefined && keyMarker <= key);
  // S3 lists a key's versions newest first; the current one (when no delete marker is newer) says so itself.
  return newest === undefined
    ? versions
    : [...versions.filter((v) => v.versionId === newest), ...versions.filter((v) => v.versionId !== newest)];
}

export interface OutputBuckets {
  readonly rawBucket: string;
  readonly quarantineBucket: string;
}

/** One version's outputs: its id names them, `date` is the ingest-date partition they were written under. */
export interface VersionOutputs {
  readonly versionId: string;
  readonly date: string;
}

/** What `deleteOutputsOf` deleted: `s3://` URIs, and the ingest dates whose raw partition lost files. */
export interface DeletedOutputs {
  readonly deleted: readonly string[];
  readonly rawDates: readonly string[];
}

/**
 * Deletes every raw and quarantine output of these versions of `bucket/key`. Each ingest-date partition is listed
 * once for all the versions written under it (a key put many times lists its partition once, not once a version).
 */
export async function deleteOutputsOf(
  s3: S3Client,
  source: { readonly bucket: string; readonly key: string; readonly pipeline: string },
  versions: readonly VersionOutputs[],
  buckets: OutputBuckets,
): Promise<DeletedOutputs> {
  const byDate = new Map<string, string[]>();
  for (const version of versions) {
    const name = outputName({ bucket: source.bucket, key: source.key, versionId: version.versionId });
    byDate.set(version.date, [...(byDate.get(version.date) ?? []), name]);
  }
  const targets: { bucket: string; key: string; date: string }[] = [];
  for (const [date, names] of byDate) {
    const partition = partitionPrefix(source.pipeline, date);
    const ours = (file: string) => names.some((name) => file.startsWith(name));
    for (const key of await listKeys(s3, buckets.rawBucket, partition)) {
      const file = key.slice(key.lastIndexOf("/") + 1);
      if (names.some((name) => isParquetOf(name, file)))
        targets.push({ bucket: buckets.rawBucket, key, date });
    }
    // One version: list just its names; several: the partition once.
    const only = names.length === 1 ? names[0] : undefined;
    for (const key of await listKeys(s3, buckets.quarantineBucket, `${partition}${only ?? ""}`))
      if (ours(key.slice(partition.length))) targets.push({ bucket: buckets.quarantineBucket, key, date });
  }
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i] as { bucket: string; key: string };
      await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
  return {
    deleted: targets.map((t) => `s3://${t.bucket}/${t.key}`),
    rawDates: [...new Set(targets.filter((t) => t.bucket === buckets.rawBucket).map((t) => t.date))].sort(),
  };
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token !== undefined ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}
