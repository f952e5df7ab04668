import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import {
  dynamoClient,
  logger,
  metrics,
  requireEnv,
  s3Client,
  secretsClient,
  tracer,
} from "../shared/index.js";
import { type IngestRun, ingest } from "./ingest.js";
import { loadPipeline } from "./pipelines.js";
import { parseIngestEvent } from "./schema.js";

// Init phase: configuration and clients once per container, before the first event.
const deps = {
  fetch,
  s3: s3Client(),
  dynamo: dynamoClient(),
  secrets: secretsClient(),
  logger,
  dropBucket: requireEnv("DROP_BUCKET"),
  runsTable: requireEnv("RUNS_TABLE"),
};

/** EventBridge Scheduler -> `{ "pipeline": "orders", "scheduledTime": "<aws.scheduler.scheduled-time>" }`. */
export const handler = async (event: unknown, context: Context): Promise<IngestRun> => {
  logger.addContext(context);
  const parent = tracer.getSegment();
  const segment = parent?.addNewSubsegment("## ingest");
  if (segment) tracer.setSegment(segment);
  try {
    const { pipeline: name, scheduledTime } = parseIngestEvent(event);
    tracer.putAnnotation("pipeline", name);
    const pipeline = await loadPipeline(name);
    const run = await ingest(pipeline, { ...deps, clock: () => new Date() }, { scheduledTime });
    metrics.addDimension("pipeline", name);
    metrics.addMetric(`IngestRuns_${run.status}`, MetricUnit.Count, 1);
    metrics.addMetric("IngestBytes", MetricUnit.Bytes, run.bytes);
    // Throwing lets Lambda retry the async invoke, then hand it to the on-failure destination.
    if (run.status === "failed") throw new Error(`ingest ${name} run ${run.runId} failed: ${run.error}`);
    return run;
  } finally {
    metrics.publishStoredMetrics();
    segment?.close();
    if (parent) tracer.setSegment(parent);
  }
};
