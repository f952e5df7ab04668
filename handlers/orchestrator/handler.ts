import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import {
  clientConfig,
  dynamoClient,
  glueClient,
  logger,
  metrics,
  requireEnv,
  s3Client,
  tracer,
} from "../shared/index.js";
import { configFromEnv, declaredTablesFrom } from "./config.js";
import { BAKED_DECLARED_TABLES } from "./declared-tables.js";
import { handleCrawlerEvent } from "./orchestrator.js";
import { parseCrawlerEvent } from "./schema.js";

const config = { ...configFromEnv(), pipelines: JSON.parse(requireEnv("PIPELINES")) as string[] };
const tables = declaredTablesFrom(BAKED_DECLARED_TABLES);
const undeclared = config.pipelines.filter((p) => tables[p] === undefined);
if (undeclared.length > 0)
  logger.warn("pipelines without declared tables in this bundle: their drift is not checked", { undeclared });
const declaredColumns = async (zone: "raw" | "curated", pipeline: string) => tables[pipeline]?.[zone];
const sfn = tracer.captureAWSv3Client(new SFNClient(clientConfig()));
const sns = tracer.captureAWSv3Client(new SNSClient(clientConfig()));
const processor = new BatchProcessor(EventType.SQS);

/** One crawler state change: a bad body or a failed step fails this record only. */
async function recordHandler(record: SQSRecord): Promise<void> {
  const event = parseCrawlerEvent(record.body);
  const deps = {
    glue: glueClient(),
    sfn,
    sns,
    dynamo: dynamoClient(),
    s3: s3Client(),
    logger,
    clock: () => new Date(),
    declaredColumns,
  };
  const actions = await handleCrawlerEvent(event, config, deps);
  logger.info("crawler state change handled", {
    crawler: event.detail.crawlerName,
    state: event.detail.state,
    actions,
  });
  for (const action of actions) metrics.addMetric(`Orchestrator_${action.kind}`, "Count", 1);
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, recordHandler, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
};
