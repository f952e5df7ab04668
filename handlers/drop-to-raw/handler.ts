import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { dynamoClient, logger, metrics, s3Client, tracer } from "../shared/index.js";
import { loadPipeline } from "../shared/pipelines.js";
import { configFromEnv } from "./config.js";
import { processObject } from "./drop-to-raw.js";
import { parseDropEvent } from "./event.js";

const config = configFromEnv();
const processor = new BatchProcessor(EventType.SQS);

/** One SQS record: a bad body, a failed conversion or an object busy elsewhere fails this record only. */
async function recordHandler(record: SQSRecord, context: Context): Promise<void> {
  const event = parseDropEvent(record.body);
  if (event.kind === "test") return logger.info("S3 test event", { bucket: event.bucket });
  // The lease outlives this invocation, so a claim is only ever taken over from a dead one.
  const leaseSeconds = Math.ceil(context.getRemainingTimeInMillis() / 1000) + 60;
  for (const object of event.objects) {
    const deps = {
      s3: s3Client(),
      dynamo: dynamoClient(),
      logger,
      clock: () => new Date(),
      pipeline: loadPipeline,
    };
    const outcome = await processObject(object, { ...config, leaseSeconds }, deps);
    tracer.putAnnotation("outcome", outcome.status);
    metrics.addMetric(`Objects_${outcome.status}`, MetricUnit.Count, 1);
    if (outcome.status === "converted")
      metrics.addMetric("RowsRejected", MetricUnit.Count, outcome.rowsRejected);
    if ("curatedReopened" in outcome && (outcome.curatedReopened?.length ?? 0) > 0)
      metrics.addMetric("CuratedDatesReopened", MetricUnit.Count, outcome.curatedReopened?.length ?? 0);
    if (outcome.status === "in-progress")
      throw new Error(`${outcome.pk} is being converted by another delivery`);
  }
}

/** SQS (S3 -> SNS -> SQS) -> partial batch response; records run one at a time (each may use most of /tmp). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  try {
    const handle = (record: SQSRecord) =>
      recordHandler(record, context).catch((error: unknown) => {
        // The batch processor only tells SQS; say why here (the record is retried, then goes to the DLQ).
        logger.error("record failed", { messageId: record.messageId, error: error as Error });
        throw error;
      });
    return await processPartialResponse(event, handle, processor, { context, processInParallel: false });
  } finally {
    metrics.publishStoredMetrics();
  }
};
