/**
 * The S3 key layout the lake's zones share: the handlers write it, the local runner and the tools read it.
 */

/**
 * `<pipeline>/ingest_date=<date>/`: one ingest date of one pipeline, the same in every zone (drop, raw, curated,
 * quarantine). Drop-to-raw writes an object's outputs under it; the orchestrator clears a curated date under it
 * before transforming it again.
 */
export function partitionPrefix(pipeline: string, date: string): string {
  return `${pipeline}/ingest_date=${date}/`;
}

/** The quarantine bucket's prefix (in place of a pipeline) for objects outside any declared pipeline. */
export const UNKNOWN_PIPELINE_PREFIX = "_unknown";

/** A file quarantined whole is copied with a sidecar at the copy's key plus this: JSON naming the source and why. */
export const REASON_SUFFIX = ".reason.json";
