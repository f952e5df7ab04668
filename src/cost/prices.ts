/**
 * On-demand list prices the cost model uses, per region, each with the page it comes from.
 *
 * They were taken from AWS's public pricing pages as of PRICES_AS_OF, written down from those pages, not fetched by
 * this code (it runs offline). Prices change: re-check every figure against its source before relying on an
 * estimate, and update PRICES_AS_OF when you do. Free tiers, savings plans and volume tiers beyond the first are
 * ignored on purpose: the model compares designs at list price.
 */

/** When the figures below were read from the pricing pages. */
export const PRICES_AS_OF = "June 2025";

export const PRICE_REGIONS = ["us-east-1", "eu-west-1"] as const;
export type PriceRegion = (typeof PRICE_REGIONS)[number];

export interface Price {
  /** US dollars per `unit`. */
  readonly usd: number;
  /** One billed unit, e.g. `GB-s`, `request`. */
  readonly unit: string;
  /** The price as the pricing page states it, with its billing terms. */
  readonly listed: string;
  /** The public page the figure was read from. */
  readonly source: string;
}

export interface PriceTable {
  readonly region: PriceRegion;
  readonly asOf: string;
  readonly lambdaGbSecond: Price;
  readonly lambdaRequest: Price;
  readonly lambdaEphemeralGbSecond: Price;
  readonly s3StorageGbMonth: Price;
  readonly s3PutRequest: Price;
  readonly s3GetRequest: Price;
  readonly athenaTbScanned: Price;
  readonly glueCrawlerDpuHour: Price;
  readonly glueJobDpuHour: Price;
  readonly stepFunctionsTransition: Price;
  readonly redshiftServerlessRpuHour: Price;
  readonly kmsKeyMonth: Price;
  readonly kmsRequest: Price;
  readonly cloudwatchLogsIngestGb: Price;
  readonly cloudwatchLogsStorageGbMonth: Price;
  readonly cloudwatchAlarmMonth: Price;
  readonly cloudwatchMetricMonth: Price;
  readonly sqsRequest: Price;
  readonly snsPublish: Price;
  readonly dynamodbWriteUnit: Price;
}

const SRC = {
  lambda: "https://aws.amazon.com/lambda/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  athena: "https://aws.amazon.com/athena/pricing/",
  glue: "https://aws.amazon.com/glue/pricing/",
  sfn: "https://aws.amazon.com/step-functions/pricing/",
  redshift: "https://aws.amazon.com/redshift/pricing/ (Serverless)",
  kms: "https://aws.amazon.com/kms/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  sqs: "https://aws.amazon.com/sqs/pricing/",
  sns: "https://aws.amazon.com/sns/pricing/",
  dynamodb: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
} as const;

const p = (usd: number, unit: string, listed: string, source: string): Price => ({
  usd,
  unit,
  listed,
  source,
});

/** Prices that are the same in both regions. */
const COMMON = {
  asOf: PRICES_AS_OF,
  lambdaGbSecond: p(0.0000166667, "GB-s", "$0.0000166667 per GB-second (x86)", SRC.lambda),
  lambdaRequest: p(0.2 / 1e6, "request", "$0.20 per 1M requests", SRC.lambda),
  lambdaEphemeralGbSecond: p(
    0.0000000309,
    "GB-s",
    "$0.0000000309 per GB-second of ephemeral storage above 512 MB",
    SRC.lambda,
  ),
  s3StorageGbMonth: p(0.023, "GB-month", "$0.023 per GB-month (S3 Standard, first 50 TB)", SRC.s3),
  s3PutRequest: p(0.005 / 1000, "request", "$0.005 per 1,000 PUT, COPY, POST, LIST requests", SRC.s3),
  s3GetRequest: p(0.0004 / 1000, "request", "$0.0004 per 1,000 GET, SELECT requests", SRC.s3),
  athenaTbScanned: p(5, "TB", "$5 per TB scanned, rounded up to the MB, 10 MB minimum per query", SRC.athena),
  glueCrawlerDpuHour: p(
    0.44,
    "DPU-hour",
    "$0.44 per DPU-hour, billed per second, 10-minute minimum per crawler run",
    SRC.glue,
  ),
  glueJobDpuHour: p(
    0.44,
    "DPU-hour",
    "$0.44 per DPU-hour (Spark, G.1X = 1 DPU per worker, 2 workers minimum), billed per second, 1-minute minimum per job run",
    SRC.glue,
  ),
  stepFunctionsTransition: p(
    0.025 / 1000,
    "transition",
    "$0.025 per 1,000 state transitions (Standard workflows)",
    SRC.sfn,
  ),
  kmsKeyMonth: p(1, "key-month", "$1 per customer-managed key per month", SRC.kms),
  kmsRequest: p(0.03 / 10_000, "request", "$0.03 per 10,000 API requests", SRC.kms),
  cloudwatchLogsStorageGbMonth: p(0.03, "GB-month", "$0.03 per GB-month of stored logs", SRC.cloudwatch),
  cloudwatchAlarmMonth: p(
    0.1,
    "alarm-month",
    "$0.10 per standard-resolution alarm metric per month",
    SRC.cloudwatch,
  ),
  cloudwatchMetricMonth: p(
    0.3,
    "metric-month",
    "$0.30 per custom metric per month (first 10,000)",
    SRC.cloudwatch,
  ),
  sqsRequest: p(
    0.4 / 1e6,
    "request",
    "$0.40 per 1M requests (Standard queues, each 64 KB chunk a request)",
    SRC.sqs,
  ),
  snsPublish: p(
    0.5 / 1e6,
    "publish",
    "$0.50 per 1M publishes (64 KB chunks); deliveries to SQS free",
    SRC.sns,
  ),
} as const;

export const PRICES: Readonly<Record<PriceRegion, PriceTable>> = {
  "us-east-1": {
    ...COMMON,
    region: "us-east-1",
    redshiftServerlessRpuHour: p(
      0.375,
      "RPU-hour",
      "$0.375 per RPU-hour, billed per second, 60-second minimum",
      SRC.redshift,
    ),
    cloudwatchLogsIngestGb: p(0.5, "GB", "$0.50 per GB ingested (Standard log class)", SRC.cloudwatch),
    dynamodbWriteUnit: p(0.625 / 1e6, "WRU", "$0.625 per 1M write request units (on-demand)", SRC.dynamodb),
  },
  "eu-west-1": {
    ...COMMON,
    region: "eu-west-1",
    redshiftServerlessRpuHour: p(
      0.375,
      "RPU-hour",
      "$0.375 per RPU-hour, billed per second, 60-second minimum",
      SRC.redshift,
    ),
    cloudwatchLogsIngestGb: p(0.57, "GB", "$0.57 per GB ingested (Standard log class)", SRC.cloudwatch),
    dynamodbWriteUnit: p(0.7068 / 1e6, "WRU", "$0.7068 per 1M write request units (on-demand)", SRC.dynamodb),
  },
};

export function pricesFor(region: string): PriceTable {
  const table = PRICES[region as PriceRegion];
  if (table === undefined)
    throw new Error(`no price table for region "${region}": one of ${PRICE_REGIONS.join(", ")}`);
  return table;
}
