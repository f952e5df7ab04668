import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CopyObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import { REASON_SUFFIX, UNKNOWN_PIPELINE_PREFIX } from "../../src/core/zone-keys.js";
import { markRawChanged } from "../shared/run-ledger.js";
import { type Conversion, convertStream, type QuarantineLine } from "./convert.js";
import { Ledger, type LedgerItem } from "./ledger.js";
import {
  ingestDate,
  ledgerKey,
  type ObjectIdentity,
  outputName,
  pipelineOf,
  quarantineFileKey,
  quarantineRowsKey,
  rawKey,
} from "./paths.js";
import { UnreadableFileError } from "./prepare.js";
import { deleteOutputsOf, versionsOf } from "./supersede.js";

/**
 * The drop-to-raw core: one dropped object in, Parquet in the raw zone and rejected rows (or the whole file) in
 * quarantine out, exactly once per object version. Pure of Lambda: clients, logger, clock and the pipeline
 * declarations come in as arguments; handler.ts wires them.
 */

export interface DropToRawConfig {
  readonly rawBucket: string;
  readonly quarantineBucket: string;
  readonly ledgerTable: string;
  /** Where each object's working directory is made. @default os.tmpdir() (/tmp in Lambda) */
  readonly tmpDir?: string;
  /** How long a claim holds before another delivery may take it over; at least the function's timeout. @default 900 */
  readonly leaseSeconds?: number;
  /** DuckDB memory limit in MB. @default 192 */
  readonly memoryLimitMb?: number;
  /** DuckDB threads. @default the CPUs available */
  readonly threads?: number;
  /** Parquet compression. @default "snappy" */
  readonly compression?: "zstd" | "snappy";
  /**
   * Find the version of an object whose event names only its ETag, with a HEAD conditioned on it. AWS names the
   * version in every event of a versioned bucket; moto never does (local gap `s3-event-version-id`), and without the
   * version a key's newest version cannot win (supersede.ts). @default false
   */
  readonly resolveEventVersions?: boolean;
  /**
   * The analytics run ledger. When a conversion changes the raw partition of an ingest date the curated stage already
   * claimed (a corrected file replaced an older version's rows, or a late file added rows), the date's item records
   * it and the next raw crawl transforms the date again (src/core/run-ledger.ts). @default none: no curated
   * date is reopened
   */
  readonly runsTable?: string;
}

/** The subset of the Powertools logger the core uses. */
export interface CoreLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface DropToRawDeps {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly logger: CoreLogger;
  readonly clock: () => Date;
  /** The declaration of the pipeline called `name`; undefined when there is none. */
  readonly pipeline: (name: string) => Promise<PipelineDeclaration | undefined>;
  /** This attempt's name in the ledger. @default a random UUID */
  readonly owner?: string;
}

/** The object to convert, as the event reports it. */
export interface SourceObject extends ObjectIdentity {
  /** ISO 8601; the ingest date when neither the key nor the object's LastModified gives one. */
  readonly eventTime?: string | undefined;
}

interface Base {
  /** The ledger key. */
  readonly pk: string;
  readonly bucket: string;
  readonly key: string;
}
/** The curated ingest dates this object's raw change reopened (see `DropToRawConfig.runsTable`). */
interface Reopens {
  readonly curatedReopened?: readonly string[];
}
export type Outcome =
  | (Base &
      Reopens & {
        readonly status: "converted";
        readonly pipeline: string;
        readonly ingestDate: string;
        readonly rowsIn: number;
        readonly rowsOut: number;
        readonly rowsRejected: number;
        readonly rawKeys: readonly string[];
        readonly quarantineKeys: readonly string[];
      })
  | (Base &
      Reopens & {
        readonly status: "quarantined";
        readonly reason: string;
        readonly quarantineKeys: readonly string[];
      })
  | (Base & Reopens & { readonly status: "skipped"; readonly reason: string })
  | (Base & { readonly status: "already-processed"; readonly previous: LedgerItem })
  | (Base & { readonly status: "in-progress"; readonly owner: string; readonly leaseUntil: number });

export async function processObject(
  source: SourceObject,
  config: DropToRawConfig,
  deps: DropToRawDeps,
): Promise<Outcome> {
  const object = await withIdentity(source, deps.s3, config.resolveEventVersions ?? false);
  const pk = ledgerKey(object);
  const base: Base = { pk, bucket: object.bucket, key: object.key };
  const owner = deps.owner ?? crypto.randomUUID();
  const pipelineName = pipelineOf(object.key);
  const pipeline = pipelineName === undefined ? undefined : await deps.pipeline(pipelineName);
  const ledger = new Ledger(deps.dynamo, config.ledgerTable, deps.clock);
  const log = { pk, pipeline: pipelineName };

  const claim = await ledger.claim(
    {
      pk,
      bucket: object.bucket,
      key: object.key,
      versionId: object.versionId,
      eTag: object.eTag,
      pipeline: pipelineName,
    },
    owner,
    config.leaseSeconds ?? 900,
  );
  if (!claim.claimed) {
    deps.logger.info(
      claim.status === "done" ? "already processed" : "being processed by another delivery",
      log,
    );
    return claim.status === "done"
      ? { ...base, status: "already-processed", previous: claim.item }
      : { ...base, status: "in-progress", owner: claim.owner, leaseUntil: claim.leaseUntil };
  }
  deps.logger.info("claimed", { ...log, attempt: claim.attempt });

  try {
    const outcome = await run(object, pipelineName, pipeline, base, config, deps);
    await ledger.complete(pk, owner, {
      outcome:
        outcome.status === "converted"
          ? "converted"
          : outcome.status === "quarantined"
            ? "quarantined"
            : "skipped",
      rowsIn: outcome.status === "converted" ? outcome.rowsIn : 0,
      rowsOut: outcome.status === "converted" ? outcome.rowsOut : 0,
      rowsRejected: outcome.status === "converted" ? outcome.rowsRejected : 0,
      rawKeys: outcome.status === "converted" ? outcome.rawKeys : [],
      quarantineKeys:
        outcome.status === "converted" || outcome.status === "quarantined" ? outcome.quarantineKeys : [],
      ...(outcome.status === "quarantined" || outcome.status === "skipped" ? { reason: outcome.reason } : {}),
    });
    return outcome;
  } catch (error) {
    await ledger
      .release(pk, owner, (error as Error).message ?? String(error))
      .catch((failure: unknown) =>
        deps.logger.warn("could not release the ledger claim", { ...log, error: String(failure) }),
      );
    throw error;
  }
}

type Done = Extract<Outcome, { status: "converted" | "quarantined" | "skipped" }>;

async function run(
  object: SourceObject,
  pipelineName: string | undefined,
  pipeline: PipelineDeclaration | undefined,
  base: Base,
  config: DropToRawConfig,
  deps: DropToRawDeps,
): Promise<Done> {
  const name = outputName(object);
  const eventTime = object.eventTime !== undefined ? new Date(object.eventTime) : deps.clock();
  if (pipeline === undefined) {
    const reason =
      pipelineName === undefined
        ? "unknown pipeline: the key has no <pipeline>/ prefix"
        : `unknown pipeline "${pipelineName}"`;
    const date = ingestDate(object.key, eventTime);
    return quarantineFile(object, UNKNOWN_PIPELINE_PREFIX, date, name, reason, base, config, deps);
  }

  const newer = await newerVersion(object, deps.s3);
  if (newer !== undefined) {
    const reason = `superseded by version ${newer} of the same key before conversion: only a key's newest version is converted`;
    deps.logger.info("superseded; not converted", { pk: base.pk, newer });
    return { ...base, status: "skipped", reason };
  }

  let response: GetObjectCommandOutput;
  try {
    response = await deps.s3.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId !== undefined
          ? { VersionId: object.versionId }
          : { IfMatch: `"${object.eTag}"` }),
      }),
    );
  } catch (error) {
    const gone = goneReason(error);
    if (gone === undefined) throw error;
    deps.logger.warn("source object is gone; nothing to convert", { pk: base.pk, reason: gone });
    return { ...base, status: "skipped", reason: gone };
  }
  const body = response.Body as (Readable & AsyncIterable<Uint8Array>) | undefined;
  if (body === undefined) throw new Error(`GetObject s3://${object.bucket}/${object.key} returned no body`);
  const date = ingestDate(object.key, response.LastModified ?? eventTime);
  const workDir = await mkdtemp(join(config.tmpDir ?? tmpdir(), "drop-to-raw-"));
  try {
    let conversion: Conversion;
    try {
      conversion = await convertStream(body, {
        pipeline,
        source: { bucket: object.bucket, key: object.key },
        name,
        workDir,
        ...(config.memoryLimitMb !== undefined ? { memoryLimitMb: config.memoryLimitMb } : {}),
        ...(config.threads !== undefined ? { threads: config.threads } : {}),
        ...(config.compression !== undefined ? { compression: config.compression } : {}),
      });
    } catch (error) {
      body.destroy?.();
      if (!(error instanceof UnreadableFileError)) throw error;
      const quarantined = await quarantineFile(
        object,
        pipeline.name,
        date,
        name,
        error.reason,
        base,
        config,
        deps,
      );
      const settled = await settleVersions(object, pipeline.name, { date, rawFiles: 0 }, config, deps, base);
      return settled.superseded ?? { ...quarantined, curatedReopened: settled.curatedReopened };
    }
    const rawKeys: string[] = [];
    const uploads = conversion.parquet.map((file) => {
      const key = rawKey(pipeline.name, date, file.relativeKey);
      rawKeys.push(key);
      return {
        path: file.path,
        bucket: config.rawBucket,
        key,
        contentType: "application/vnd.apache.parquet",
      };
    });
    const quarantineKeys: string[] = [];
    if (conversion.quarantine !== undefined) {
      const key = quarantineRowsKey(pipeline.name, date, name);
      quarantineKeys.push(key);
      uploads.push({
        path: conversion.quarantine,
        bucket: config.quarantineBucket,
        key,
        contentType: "application/x-ndjson",
      });
    }
    await uploadAll(deps.s3, uploads);
    const settled = await settleVersions(
      object,
      pipeline.name,
      { date, rawFiles: rawKeys.length },
      config,
      deps,
      base,
    );
    if (settled.superseded !== undefined) return settled.superseded;
    deps.logger.info("converted", {
      pk: base.pk,
      rowsIn: conversion.rowsIn,
      rowsOut: conversion.rowsOut,
      rowsRejected: conversion.rowsRejected,
      files: rawKeys.length,
      ignoredColumns: conversion.ignoredColumns,
      millis: conversion.millis,
    });
    return {
      ...base,
      status: "converted",
      pipeline: pipeline.name,
      ingestDate: date,
      rowsIn: conversion.rowsIn,
      rowsOut: conversion.rowsOut,
      rowsRejected: conversion.rowsRejected,
      rawKeys,
      quarantineKeys,
      curatedReopened: settled.curatedReopened,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The sidecar of a rejected file: a quarantine line (`line`, `column`, `row` null) plus where the copy is. */
export interface ReasonSidecar extends Omit<QuarantineLine, "line" | "column" | "row"> {
  readonly line: null;
  readonly column: null;
  readonly row: null;
  readonly version_id: string | null;
  readonly etag: string | null;
  readonly copy_key: string;
  readonly quarantined_at: string;
}

/** Copies the whole object to quarantine (server side) with a `.reason.json` sidecar. */
async function quarantineFile(
  object: SourceObject,
  prefix: string,
  date: string,
  name: string,
  reason: string,
  base: Base,
  config: DropToRawConfig,
  deps: DropToRawDeps,
): Promise<Done> {
  const copyKey = quarantineFileKey(prefix, date, name, object.key);
  const encodedKey = object.key.split("/").map(encodeURIComponent).join("/");
  try {
    await deps.s3.send(
      new CopyObjectCommand({
        Bucket: config.quarantineBucket,
        Key: copyKey,
        CopySource:
          `${object.bucket}/${encodedKey}` +
          (object.versionId !== undefined ? `?versionId=${encodeURIComponent(object.versionId)}` : ""),
        ...(object.versionId === undefined ? { CopySourceIfMatch: `"${object.eTag}"` } : {}),
      }),
    );
  } catch (error) {
    const gone = goneReason(error);
    if (gone === undefined) throw error;
    return { ...base, status: "skipped", reason: `${reason}; and ${gone}` };
  }
  const sidecar: ReasonSidecar = {
    source_bucket: object.bucket,
    source_key: object.key,
    line: null,
    column: null,
    reason,
    row: null,
    version_id: object.versionId ?? null,
    etag: object.eTag ?? null,
    copy_key: copyKey,
    quarantined_at: deps.clock().toISOString(),
  };
  const sidecarKey = `${copyKey}${REASON_SUFFIX}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.quarantineBucket,
      Key: sidecarKey,
      Body: `${JSON.stringify(sidecar)}\n`,
      ContentType: "application/json",
    }),
  );
  deps.logger.warn("file quarantined", { pk: base.pk, reason, copyKey });
  return { ...base, status: "quarantined", reason, quarantineKeys: [copyKey, sidecarKey] };
}

/** The key's newest version, when it is not `object`'s own; undefined for the newest or an unversioned object. */
async function newerVersion(object: SourceObject, s3: S3Client): Promise<string | undefined> {
  if (object.versionId === undefined) return undefined;
  const newest = (await versionsOf(s3, object.bucket, object.key))[0];
  return newest !== undefined && newest.versionId !== object.versionId ? newest.versionId : undefined;
}

/**
 * After `object`'s outputs are written (supersede.ts): when it is its key's newest version, deletes the outputs of
 * every older version; when a newer version was put meanwhile, deletes its own outputs and returns the skipped
 * outcome to record instead. Either way, the ingest dates whose raw partition changed (`written`, when this version
 * wrote Parquet there, and every date that lost files) are recorded in the analytics run ledger, so that a curated
 * date already transformed is transformed again (src/core/run-ledger.ts).
 */
async function settleVersions(
  object: SourceObject,
  pipeline: string,
  written: { readonly date: string; readonly rawFiles: number },
  config: DropToRawConfig,
  deps: DropToRawDeps,
  base: Base,
): Promise<{ readonly superseded?: Done; readonly curatedReopened: readonly string[] }> {
  const source = { bucket: object.bucket, key: object.key, pipeline };
  const reopen = (rawDates: readonly string[]) =>
    reopenCurated(
      pipeline,
      [...(written.rawFiles > 0 ? [written.date] : []), ...rawDates],
      config,
      deps,
      base,
    );
  if (object.versionId === undefined) return { curatedReopened: await reopen([]) };
  const [newest, ...older] = await versionsOf(deps.s3, object.bucket, object.key);
  if (newest !== undefined && newest.versionId !== object.versionId) {
    const own = await deleteOutputsOf(
      deps.s3,
      source,
      [{ versionId: object.versionId, date: written.date }],
      config,
    );
    deps.logger.info("superseded while converting; own outputs deleted", {
      pk: base.pk,
      newer: newest.versionId,
      deleted: own.deleted,
    });
    const curatedReopened = await reopen(own.rawDates);
    return {
      superseded: {
        ...base,
        status: "skipped",
        reason: `superseded by version ${newest.versionId} of the same key while converting; this version's outputs were deleted: only a key's newest version is kept`,
        curatedReopened,
      },
      curatedReopened,
    };
  }
  const { deleted, rawDates } = await deleteOutputsOf(
    deps.s3,
    source,
    older.map((v) => ({ versionId: v.versionId, date: ingestDate(object.key, v.lastModified) })),
    config,
  );
  if (deleted.length > 0)
    deps.logger.info("older versions' outputs deleted", { pk: base.pk, versions: older.length, deleted });
  return { curatedReopened: await reopen(rawDates) };
}

/** Records the raw change of these dates on their run-ledger items (those a transform claimed). */
async function reopenCurated(
  pipeline: string,
  dates: readonly string[],
  config: DropToRawConfig,
  deps: DropToRawDeps,
  base: Base,
): Promise<string[]> {
  if (config.runsTable === undefined || dates.length === 0) return [];
  const reopened = await markRawChanged(deps.dynamo, config.runsTable, {
    pipeline,
    dates,
    at: deps.clock(),
    by: base.pk,
  });
  if (reopened.length > 0)
    deps.logger.info(
      "raw changed under curated dates already transformed; the next raw crawl transforms them again",
      {
        pk: base.pk,
        dates: reopened,
      },
    );
  return reopened;
}

/** Fills in the ETag (and version) with a HEAD when the event carried neither. */
async function withIdentity(
  source: SourceObject,
  s3: S3Client,
  resolveVersions: boolean,
): Promise<SourceObject> {
  if (source.versionId !== undefined) return source;
  if (source.eTag !== undefined && !resolveVersions) return source;
  try {
    // With an ETag (moto's events, local gap s3-event-version-id): the version that holds that content.
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        ...(source.eTag !== undefined ? { IfMatch: `"${source.eTag}"` } : {}),
      }),
    );
    return {
      ...source,
      versionId: head.VersionId !== undefined && head.VersionId !== "null" ? head.VersionId : undefined,
      eTag: source.eTag ?? head.ETag?.replace(/^"|"$/g, ""),
    };
  } catch (error) {
    // Overwritten or deleted since the event: the ETag stays the identity, and GetObject says why.
    if (source.eTag !== undefined && goneReason(error) !== undefined) return source;
    throw error;
  }
}

/** Why the source object version cannot be read any more, or undefined for any other error. */
function goneReason(error: unknown): string | undefined {
  if (!(error instanceof S3ServiceException)) return undefined;
  const status = error.$metadata.httpStatusCode;
  if (error.name === "NoSuchKey" || error.name === "NoSuchVersion" || status === 404)
    return "the object version no longer exists";
  if (error.name === "PreconditionFailed" || status === 412)
    return "the object was overwritten after the event (its ETag changed); the new version has its own event";
  return undefined;
}

interface PendingUpload {
  readonly path: string;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
}

/** Streams the files up (multipart above 8 MiB), two at a time. */
async function uploadAll(s3: S3Client, uploads: readonly PendingUpload[], concurrency = 2): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < uploads.length; i = next++) {
      const upload = uploads[i] as PendingUpload;
      await new Upload({
        client: s3,
        params: {
          Bucket: upload.bucket,
          Key: upload.key,
          Body: createReadStream(upload.path),
          ContentType: upload.contentType,
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      }).done();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, uploads.length) }, worker));
}
