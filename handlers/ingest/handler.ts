import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { requirePipeline } from "../../src/core/load-pipeline.js";
import {
  dynamoClient,
  logger,
  metrics,
  requireEnv,
  s3Client,
  secretsClient,
  tracer,
} from "../shared/index.js";
import { loadPipeline } from "../shared/pipelines.js";
import { type IngestRun, ingest } from "./ingest.js";
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

/**
 * The local runner stands in for the internet, which a machine without an AWS account may not have: it serves each
 * pull source on loopback and names those URLs in INGEST_SOURCE_OVERRIDES. Never set in AWS; loopback URLs only.
 */
const overrides = JSON.parse(process.env["INGEST_SOURCE_OVERRIDES"] ?? "{}") as Record<string, string>;
function withLocalSource<P extends { name: string; source: { kind: string } }>(pipeline: P): P {
  const url = overrides[pipeline.name];
  if (url === undefined || pipeline.source.kind !== "http") return pipeline;
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url))
    throw new Error(`INGEST_SOURCE_OVERRIDES: ${url} is not a loopback URL`);
  return { ...pipeline, source: { ...pipeline.source, url } };
}

/** EventBridge Scheduler -> `{ "pipeline": "orders", "scheduledTime": "<aws.scheduler.scheduled-time>" }`. */
export const handler = async (event: unknown, context: Context): Promise<IngestRun> => {
  logger.addContext(context);
  const parent = tracer.getSegment();
  const segment = parent?.addNewSubsegment("## ingest");
  if (segment) tracer.setSegment(segment);
  try {
    const { pipeline: name, scheduledTime } = parseIngestEvent(event);
    tracer.putAnnotation("pipeline", name);
    const pipeline = withLocalSource(await requirePipeline(loadPipeline, name));
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
