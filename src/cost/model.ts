/**
 * Monthly cost of running the lake at a given volume, and of the same volume through the seeds' design (a Glue
 * crawler run and a Glue Spark job per dropped file). Pure functions: no I/O, no clock; the CLI reads files.
 *
 * Units: 1 GB = 1024 MB, 1 TB = 1024 GB (Athena bills per MB scanned, rounded up); a month is 30 days.
 */
import type { ConverterMeasurement } from "./measured.js";
import type { Price, PriceTable } from "./prices.js";
import type { StackFacts } from "./stack.js";

export const DAYS_PER_MONTH = 30;

export interface Volume {
  readonly gbPerDay: number;
  readonly filesPerDay: number;
  readonly queriesPerDay: number;
  readonly gbScannedPerQuery: number;
  /** Datasets; each gets its own raw->curated transform per crawl cycle. */
  readonly pipelines: number;
  /** Hours a day Redshift Serverless is busy (it bills only while it runs queries). */
  readonly redshiftHoursPerDay: number;
  /** HTTP pulls a day across the pull pipelines (the ingest function's invocations). */
  readonly pullsPerDay: number;
}

export const DEFAULT_VOLUME: Volume = {
  gbPerDay: 1,
  filesPerDay: 1000,
  queriesPerDay: 200,
  gbScannedPerQuery: 0.5,
  pipelines: 2,
  redshiftHoursPerDay: 1,
  // The orders pipeline pulls at rate(1 hour).
  pullsPerDay: 24,
};

/** How the parts behave per run or per file: not in the stack's configuration, so stated here, one by one. */
export interface Assumptions {
  /** Converter seconds per file that do not scale with size: ledger claim, GET start, upload, ledger done. */
  readonly converterFixedSecondsPerFile: number;
  /** Lambda gives one vCPU per 1,769 MB: the benchmark's seconds are scaled by its threads / the function's vCPUs. */
  readonly lambdaMbPerVcpu: number;
  /** Parquet objects the converter writes per dropped file (one per partition value in the file). */
  readonly rawObjectsPerFile: number;
  /** Curated bytes per raw byte (the transform is a SELECT over raw). */
  readonly curatedToRawRatio: number;
  /** Months of raw and curated history held (each further month adds its storage again). */
  readonly historyMonths: number;
  /** The crawler chain starts a crawl at most this often, and only when its queue holds events. */
  readonly crawlIntervalMinutes: number;
  /** Crawlers' DPUs are not configurable; 2 is the figure AWS's own pricing example uses. */
  readonly crawlerDpu: number;
  /** Wall minutes of an event-mode crawl over a few new objects. */
  readonly crawlerRunMinutes: number;
  readonly crawlerMinimumMinutes: number;
  readonly athenaMinimumMb: number;
  /** Step Functions transitions per transform: start query, wait/poll loop, start crawl, choice, end. */
  readonly transitionsPerTransform: number;
  readonly converterLogBytesPerFile: number;
  readonly ingestLogBytesPerPull: number;
  readonly ingestSecondsPerPull: number;
  /** Custom metrics (unique name + dimensions) the functions publish through EMF. */
  readonly customMetrics: number;
  /**
   * DynamoDB write units per file: ledger claim and done record (over 1 KB: 2 units), and the run-ledger update of
   * the file's ingest date (1 unit, charged when its condition fails too: src/core/run-ledger.ts).
   */
  readonly ledgerWriteUnitsPerFile: number;
  readonly runsWriteUnitsPerPull: number;
  /** Share of S3 KMS calls left with a Bucket Key ("reduces request costs by up to 99%"). */
  readonly bucketKeyKmsShare: number;
  /** SQS reuses a data key this long per principal (kms_data_key_reuse_period_seconds default). */
  readonly kmsDataKeyReuseSeconds: number;
  /** Lambda's SQS event source starts with 5 long-polling connections, 20 s each, busy or idle. */
  readonly sqsIdlePollers: number;
  readonly sqsLongPollSeconds: number;
  /** S3 GETs per GB Athena scans (Parquet read in ranges of about 16 MB). */
  readonly athenaGetsPerGbScanned: number;
  /** GETs per Parquet object a transform or crawler reads (footer, then the column chunks). */
  readonly getsPerParquetObject: number;
  /** Objects Athena writes per query into the results bucket (results and metadata). */
  readonly athenaResultObjectsPerQuery: number;
  /** The seeds' per-file Glue Spark job: G.1X workers (1 DPU each), 2 the minimum. */
  readonly seedsJobDpu: number;
  readonly seedsJobRunMinutes: number;
  readonly seedsJobMinimumMinutes: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  converterFixedSecondsPerFile: 0.5,
  lambdaMbPerVcpu: 1769,
  rawObjectsPerFile: 1,
  curatedToRawRatio: 1,
  historyMonths: 1,
  crawlIntervalMinutes: 60,
  crawlerDpu: 2,
  crawlerRunMinutes: 1.5,
  crawlerMinimumMinutes: 10,
  athenaMinimumMb: 10,
  transitionsPerTransform: 12,
  converterLogBytesPerFile: 3072,
  ingestLogBytesPerPull: 2048,
  ingestSecondsPerPull: 2,
  customMetrics: 8,
  ledgerWriteUnitsPerFile: 4,
  runsWriteUnitsPerPull: 2,
  bucketKeyKmsShare: 0.01,
  kmsDataKeyReuseSeconds: 300,
  sqsIdlePollers: 5,
  sqsLongPollSeconds: 20,
  athenaGetsPerGbScanned: 64,
  getsPerParquetObject: 2,
  athenaResultObjectsPerQuery: 2,
  seedsJobDpu: 2,
  seedsJobRunMinutes: 2,
  seedsJobMinimumMinutes: 1,
};

export interface ModelConfig {
  readonly stack: StackFacts;
  readonly converter: ConverterMeasurement;
  readonly assumptions: Assumptions;
}

export type Design = "event-lake" | "seeds";
/** ingest: moving data in; storage: bytes at rest; query: reading it; fixed: per month whatever the volume. */
export type Stage = "ingest" | "storage" | "query" | "fixed";

export interface CostLine {
  readonly design: Design;
  readonly service: string;
  readonly item: string;
  readonly stage: Stage;
  /** Units a month. */
  readonly quantity: number;
  readonly price: Price;
  readonly monthlyUsd: number;
  /** Share of this line paid above actual use because of a billing minimum (per-run or per-query), 0-1. */
  readonly minimumShare?: number;
  readonly note?: string;
}

const MB_PER_GB = 1024;
const SECONDS_PER_DAY = 86_400;

/** A crawler's runs per day: one per interval, but only in intervals where at least one file arrived (Poisson). */
export function crawlRunsPerDay(filesPerDay: number, intervalMinutes: number): number {
  const windows = (24 * 60) / intervalMinutes;
  if (filesPerDay <= 0) return 0;
  return windows * (1 - Math.exp(-filesPerDay / windows));
}

/** Megabytes Athena bills for one query: rounded up to a whole MB, at least the minimum. */
export function athenaBilledMb(scannedMb: number, minimumMb: number): number {
  return Math.max(minimumMb, Math.ceil(scannedMb));
}

function line(
  design: Design,
  service: string,
  item: string,
  stage: Stage,
  quantity: number,
  price: Price,
  extra: { minimumShare?: number; note?: string } = {},
): CostLine {
  return { design, service, item, stage, quantity, price, monthlyUsd: quantity * price.usd, ...extra };
}

/** Per-day figures both designs share: storage, user queries, Redshift, ingest pulls. */
function shared(volume: Volume, config: ModelConfig, prices: PriceTable, design: Design): CostLine[] {
  const { stack, converter, assumptions: a } = config;
  const d = DAYS_PER_MONTH;
  const rawGbPerDay = volume.gbPerDay / converter.compressionRatio;
  const lines: CostLine[] = [];

  const ingestMb = stack.ingest?.memoryMb;
  if (ingestMb !== undefined && volume.pullsPerDay > 0)
    lines.push(
      line(
        design,
        "Lambda",
        `ingest compute (${ingestMb} MB x ${a.ingestSecondsPerPull} s per pull)`,
        "ingest",
        volume.pullsPerDay * d * a.ingestSecondsPerPull * (ingestMb / 1024),
        prices.lambdaGbSecond,
      ),
      line(
        design,
        "DynamoDB",
        "ingest runs table writes",
        "ingest",
        volume.pullsPerDay * d * a.runsWriteUnitsPerPull,
        prices.dynamodbWriteUnit,
      ),
    );

  lines.push(
    line(
      design,
      "S3",
      `storage: drop zone (${stack.dropRetentionDays}-day retention, steady state)`,
      "storage",
      volume.gbPerDay * stack.dropRetentionDays,
      prices.s3StorageGbMonth,
    ),
    line(
      design,
      "S3",
      `storage: raw Parquet (${fmt(converter.compressionRatio, 2)}x smaller than CSV, ${a.historyMonths} month held)`,
      "storage",
      rawGbPerDay * d * a.historyMonths,
      prices.s3StorageGbMonth,
      { note: "each further month of history adds this again" },
    ),
    line(
      design,
      "S3",
      "storage: curated Parquet",
      "storage",
      rawGbPerDay * d * a.historyMonths * a.curatedToRawRatio,
      prices.s3StorageGbMonth,
    ),
  );

  const scannedMb = volume.gbScannedPerQuery * MB_PER_GB;
  const billedMb = athenaBilledMb(scannedMb, a.athenaMinimumMb);
  lines.push(
    line(
      design,
      "Athena",
      `user queries (${volume.queriesPerDay}/day x ${fmt(billedMb, 0)} MB billed)`,
      "query",
      (volume.queriesPerDay * d * billedMb) / MB_PER_GB / MB_PER_GB,
      prices.athenaTbScanned,
      { minimumShare: 1 - scannedMb / billedMb },
    ),
  );

  const rpuHoursPerDay = stack.redshift.baseRpu * volume.redshiftHoursPerDay;
  const limit = stack.redshift.usageLimitRpuHoursPerDay;
  const billedRpuHours = limit === null ? rpuHoursPerDay : Math.min(limit, rpuHoursPerDay);
  lines.push(
    line(
      design,
      "Redshift Serverless",
      `${stack.redshift.baseRpu} RPU base x ${volume.redshiftHoursPerDay} h/day`,
      "query",
      billedRpuHours * d,
      prices.redshiftServerlessRpuHour,
      {
        note:
          limit === null
            ? "no usage limit: nothing caps RPU-hours"
            : `usage limit ${fmt(limit, 1)} RPU-h/day${billedRpuHours < rpuHoursPerDay ? " (binding: queries stop at the limit)" : ""}`,
      },
    ),
    line(design, "KMS", `${stack.kmsKeys} customer-managed keys`, "fixed", stack.kmsKeys, prices.kmsKeyMonth),
    line(design, "CloudWatch", `${stack.alarms} alarms`, "fixed", stack.alarms, prices.cloudwatchAlarmMonth),
    line(
      design,
      "CloudWatch",
      `${a.customMetrics} custom metrics (EMF)`,
      "fixed",
      a.customMetrics,
      prices.cloudwatchMetricMonth,
    ),
  );
  return lines;
}

/** Traffic-driven lines both designs compute the same way from their own counts. */
function traffic(
  design: Design,
  counts: {
    objectPutsPerDay: number;
    listsPerDay: number;
    objectGetsPerDay: number;
    snsPublishesPerDay: number;
    sqsMessagesPerDay: number;
    sqsIdlePollsPerDay: number;
    activeEncryptedQueues: number;
    logBytesPerDay: number;
  },
  config: ModelConfig,
  prices: PriceTable,
): CostLine[] {
  const { stack, assumptions: a } = config;
  const d = DAYS_PER_MONTH;
  const s3KmsCalls = (counts.objectPutsPerDay + counts.objectGetsPerDay) * d;
  const s3KmsShare = stack.bucketKeys ? a.bucketKeyKmsShare : 1;
  // Producer and consumer each fetch a data key once per reuse period, on queues that carry traffic all day.
  const sqsKmsCalls =
    counts.sqsMessagesPerDay > 0
      ? counts.activeEncryptedQueues * 2 * (SECONDS_PER_DAY / a.kmsDataKeyReuseSeconds) * d
      : 0;
  const kmsCalls = s3KmsCalls * s3KmsShare + counts.snsPublishesPerDay * d + sqsKmsCalls;
  const logGbMonth = (counts.logBytesPerDay * d) / 2 ** 30;
  return [
    line(
      design,
      "S3",
      "PUT/COPY/LIST requests",
      "ingest",
      (counts.objectPutsPerDay + counts.listsPerDay) * d,
      prices.s3PutRequest,
    ),
    line(design, "S3", "GET requests", "ingest", counts.objectGetsPerDay * d, prices.s3GetRequest),
    line(design, "KMS", "requests (S3, SNS, SQS)", "ingest", kmsCalls, prices.kmsRequest, {
      note: stack.bucketKeys
        ? `Bucket Keys: S3's ${fmt(s3KmsCalls, 0)} calls/month cut to ${fmt(s3KmsCalls * s3KmsShare, 0)}`
        : `no Bucket Keys: every S3 object call is a KMS call (${fmt(s3KmsCalls, 0)}/month)`,
    }),
    line(
      design,
      "SQS",
      "requests (send, receive, delete; idle long polls)",
      "ingest",
      (counts.sqsMessagesPerDay * 3 + counts.sqsIdlePollsPerDay) * d,
      prices.sqsRequest,
    ),
    line(design, "SNS", "S3 event publishes", "ingest", counts.snsPublishesPerDay * d, prices.snsPublish),
    line(design, "CloudWatch", "logs ingestion", "ingest", logGbMonth, prices.cloudwatchLogsIngestGb),
    line(
      design,
      "CloudWatch",
      `logs storage (${stack.logRetentionDays}-day retention, uncompressed)`,
      "storage",
      logGbMonth * (stack.logRetentionDays / d),
      prices.cloudwatchLogsStorageGbMonth,
    ),
  ];
}

/** The event-lake design: Lambda converter, event-mode crawlers on an interval, Athena transforms via Step Functions. */
export function estimate(volume: Volume, config: ModelConfig, prices: PriceTable): CostLine[] {
  const { stack, converter, assumptions: a } = config;
  const d = DAYS_PER_MONTH;
  const design: Design = "event-lake";
  const files = volume.filesPerDay;
  const fileGb = files > 0 ? volume.gbPerDay / files : 0;

  // Converter: the benchmark's rate, slowed by the function having fewer vCPUs than the benchmark had threads.
  const vcpus = stack.converter.memoryMb / a.lambdaMbPerVcpu;
  const cpuScale = Math.max(1, converter.threads / vcpus);
  const secondsPerFile = a.converterFixedSecondsPerFile + fileGb * converter.secondsPerGb * cpuScale;
  const converterSeconds = files * secondsPerFile * d;
  const ephemeralGb = Math.max(0, stack.converter.ephemeralMb - 512) / 1024;

  // The crawler chain: every crawler crawls at most once per interval, when its zone changed.
  const runsPerCrawler = crawlRunsPerDay(files, a.crawlIntervalMinutes);
  const crawlRuns = runsPerCrawler * stack.crawlers;
  const crawlBilledMinutes = Math.max(a.crawlerMinimumMinutes, a.crawlerRunMinutes);
  const transforms = runsPerCrawler * volume.pipelines;
  const rawMbPerTransform =
    transforms > 0 ? ((volume.gbPerDay / converter.compressionRatio) * MB_PER_GB) / transforms : 0;
  const transformBilledMb = athenaBilledMb(rawMbPerTransform, a.athenaMinimumMb);

  const rawObjects = files * a.rawObjectsPerFile;
  const curatedObjects = transforms;
  // Crawled zones in order drop, raw, curated: each crawler reads the objects new in its zone.
  const crawledObjects = [files, rawObjects, curatedObjects]
    .slice(0, stack.crawlers)
    .reduce((s, x) => s + x, 0);
  const catalogMessages = crawledObjects;
  const queryGets = volume.queriesPerDay * volume.gbScannedPerQuery * a.athenaGetsPerGbScanned;

  const lines: CostLine[] = [
    line(
      design,
      "Lambda",
      `drop-to-raw compute (${stack.converter.memoryMb} MB x ${fmt(secondsPerFile, 2)} s per file)`,
      "ingest",
      converterSeconds * (stack.converter.memoryMb / 1024),
      prices.lambdaGbSecond,
      {
        note: `${fmt(a.converterFixedSecondsPerFile, 2)} s fixed + ${fmt(converter.secondsPerGb * cpuScale, 1)} s/GB (${converter.source}${cpuScale > 1 ? `, x${fmt(cpuScale, 2)} for ${fmt(vcpus, 2)} vCPU` : ""})`,
      },
    ),
    line(
      design,
      "Lambda",
      `drop-to-raw /tmp above 512 MB (${stack.converter.ephemeralMb} MB)`,
      "ingest",
      converterSeconds * ephemeralGb,
      prices.lambdaEphemeralGbSecond,
    ),
    line(
      design,
      "Lambda",
      "requests (one invocation per file and per pull)",
      "ingest",
      (files + (stack.ingest ? volume.pullsPerDay : 0)) * d,
      prices.lambdaRequest,
    ),
    line(
      design,
      "DynamoDB",
      "drop-to-raw ledger writes",
      "ingest",
      files * a.ledgerWriteUnitsPerFile * d,
      prices.dynamodbWriteUnit,
    ),
    line(
      design,
      "Glue",
      `${stack.crawlers} crawlers, event mode, at most every ${a.crawlIntervalMinutes} min (${fmt(runsPerCrawler, 1)} runs/day each)`,
      "ingest",
      crawlRuns * d * a.crawlerDpu * (crawlBilledMinutes / 60),
      prices.glueCrawlerDpuHour,
      {
        minimumShare: 1 - a.crawlerRunMinutes / crawlBilledMinutes,
        note: `${a.crawlerDpu} DPU x ${a.crawlerRunMinutes} min used, ${crawlBilledMinutes} min billed per run`,
      },
    ),
    line(
      design,
      "Athena",
      `raw->curated transforms (${fmt(transforms, 1)}/day x ${fmt(transformBilledMb, 0)} MB billed)`,
      "ingest",
      (transforms * d * transformBilledMb) / MB_PER_GB / MB_PER_GB,
      prices.athenaTbScanned,
      {
        minimumShare: transformBilledMb > 0 ? 1 - rawMbPerTransform / transformBilledMb : 0,
        note: `${fmt(rawMbPerTransform, 2)} MB of new raw Parquet per transform`,
      },
    ),
  ];
  if (stack.stateMachines > 0)
    lines.push(
      line(
        design,
        "Step Functions",
        `transform state transitions (${a.transitionsPerTransform} per run)`,
        "ingest",
        transforms * a.transitionsPerTransform * d,
        prices.stepFunctionsTransition,
      ),
    );
  lines.push(
    ...traffic(
      design,
      {
        // producer PUT, converter PUTs, transform output, Athena results for transforms and queries
        objectPutsPerDay:
          files +
          rawObjects +
          curatedObjects +
          (transforms + volume.queriesPerDay) * a.athenaResultObjectsPerQuery,
        // crawler and transform listings (a transform also lists its date's curated files, deleted before it
        // runs), and the converter's ListObjectVersions before and after each file (a key's newest version wins);
        // the partition listing on a re-put file is rare enough to leave out
        listsPerDay: crawlRuns + transforms * 2 + files * 2,
        // converter GET, crawler reads, transform reads, query ranges, query result reads
        objectGetsPerDay:
          files + crawledObjects + rawObjects * a.getsPerParquetObject + queryGets + volume.queriesPerDay,
        snsPublishesPerDay: files + rawObjects + curatedObjects,
        sqsMessagesPerDay: files + catalogMessages,
        sqsIdlePollsPerDay: a.sqsIdlePollers * (SECONDS_PER_DAY / a.sqsLongPollSeconds),
        activeEncryptedQueues: 1 + stack.crawlers,
        logBytesPerDay:
          files * a.converterLogBytesPerFile +
          (stack.ingest ? volume.pullsPerDay * a.ingestLogBytesPerPull : 0),
      },
      config,
      prices,
    ),
    ...shared(volume, config, prices, design),
  );
  return lines;
}

/**
 * The seeds' design at the same volume: every dropped file starts a Glue Spark job (G.1X, 2 DPU minimum) that writes
 * raw and curated Parquet, and a crawler run. Storage, user queries, Redshift, keys and alarms are the same as
 * event-lake's; Glue job logs are not counted (which favours the seeds).
 */
export function estimateSeeds(volume: Volume, config: ModelConfig, prices: PriceTable): CostLine[] {
  const { stack, assumptions: a } = config;
  const d = DAYS_PER_MONTH;
  const design: Design = "seeds";
  const files = volume.filesPerDay;
  const jobBilledMinutes = Math.max(a.seedsJobMinimumMinutes, a.seedsJobRunMinutes);
  const crawlBilledMinutes = Math.max(a.crawlerMinimumMinutes, a.crawlerRunMinutes);
  const queryGets = volume.queriesPerDay * volume.gbScannedPerQuery * a.athenaGetsPerGbScanned;
  const jobRunUsd = a.seedsJobDpu * (jobBilledMinutes / 60) * prices.glueJobDpuHour.usd;
  const jobFloorUsd = a.seedsJobDpu * (a.seedsJobMinimumMinutes / 60) * prices.glueJobDpuHour.usd;
  const lines: CostLine[] = [
    line(
      design,
      "Glue",
      `Spark job per file (G.1X x ${a.seedsJobDpu} DPU x ${a.seedsJobRunMinutes} min)`,
      "ingest",
      files * d * a.seedsJobDpu * (jobBilledMinutes / 60),
      prices.glueJobDpuHour,
      {
        minimumShare: 1 - a.seedsJobRunMinutes / jobBilledMinutes,
        note: `$${fmt(jobRunUsd, 4)} per run for a ${fmt((volume.gbPerDay / files) * MB_PER_GB, 2)} MB file; $${fmt(jobFloorUsd, 4)} floor (2 DPU x 1 min) even for an empty one`,
      },
    ),
    line(
      design,
      "Glue",
      `crawler run per file (${files}/day)`,
      "ingest",
      files * d * a.crawlerDpu * (crawlBilledMinutes / 60),
      prices.glueCrawlerDpuHour,
      {
        minimumShare: 1 - a.crawlerRunMinutes / crawlBilledMinutes,
        note: `${a.crawlerDpu} DPU x ${a.crawlerRunMinutes} min used, ${crawlBilledMinutes} min billed per run`,
      },
    ),
    line(
      design,
      "Lambda",
      "requests (ingest pulls)",
      "ingest",
      (stack.ingest ? volume.pullsPerDay : 0) * d,
      prices.lambdaRequest,
    ),
    ...traffic(
      design,
      {
        // producer PUT, job writes raw and curated, Athena results
        objectPutsPerDay: files * 3 + volume.queriesPerDay * a.athenaResultObjectsPerQuery,
        listsPerDay: files,
        // job reads the file, crawler reads the new raw object, queries
        objectGetsPerDay: files + files + queryGets + volume.queriesPerDay,
        snsPublishesPerDay: files,
        sqsMessagesPerDay: files,
        sqsIdlePollsPerDay: 0,
        activeEncryptedQueues: 1,
        logBytesPerDay: stack.ingest ? volume.pullsPerDay * a.ingestLogBytesPerPull : 0,
      },
      config,
      prices,
    ),
    ...shared(volume, config, prices, design),
  ];
  return lines;
}

export interface DesignTotal {
  readonly design: Design;
  readonly monthlyUsd: number;
  readonly ingestMonthlyUsd: number;
  readonly usdPerGb: number;
  /** Ingest stage only: what moving a GB in costs, without storage, queries or fixed costs. */
  readonly ingestUsdPerGb: number;
  /** Spent above actual use because of billing minimums. */
  readonly minimumsUsd: number;
}

export function totals(lines: readonly CostLine[], volume: Volume): DesignTotal {
  const design = lines[0]?.design ?? "event-lake";
  const gbMonth = volume.gbPerDay * DAYS_PER_MONTH;
  const sum = (xs: readonly CostLine[]) => xs.reduce((s, l) => s + l.monthlyUsd, 0);
  const monthlyUsd = sum(lines);
  const ingestMonthlyUsd = sum(lines.filter((l) => l.stage === "ingest"));
  return {
    design,
    monthlyUsd,
    ingestMonthlyUsd,
    usdPerGb: monthlyUsd / gbMonth,
    ingestUsdPerGb: ingestMonthlyUsd / gbMonth,
    minimumsUsd: lines.reduce((s, l) => s + l.monthlyUsd * (l.minimumShare ?? 0), 0),
  };
}

export interface Comparison {
  readonly eventLake: DesignTotal;
  readonly seeds: DesignTotal;
  /** Seeds' cost per GB over event-lake's (the target is at least 5). */
  readonly ratio: number;
  readonly ingestRatio: number;
}

export function compare(volume: Volume, config: ModelConfig, prices: PriceTable): Comparison {
  const eventLake = totals(estimate(volume, config, prices), volume);
  const seeds = totals(estimateSeeds(volume, config, prices), volume);
  return {
    eventLake,
    seeds,
    ratio: seeds.usdPerGb / eventLake.usdPerGb,
    ingestRatio: seeds.ingestUsdPerGb / eventLake.ingestUsdPerGb,
  };
}

function fmt(value: number, digits: number): string {
  return value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
