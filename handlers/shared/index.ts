import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * Powertools singletons and AWS clients shared by every handler. Everything here is created once per container
 * (module scope or on first use) and reused across invocations; handlers pass these into their pure cores.
 */

/** `POWERTOOLS_SERVICE_NAME`, which TracedFunction sets to the function's name. */
export const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "event-lake";

/** Metric namespace of the whole lake. */
export const METRICS_NAMESPACE = "EventLake";

/** Structured JSON logs (Powertools' default format), one line per entry. */
export const logger = new Logger({ serviceName });

/** X-Ray tracing; a no-op outside Lambda unless POWERTOOLS_TRACE_ENABLED says otherwise. */
export const tracer = new Tracer({ serviceName });

/** CloudWatch metrics as EMF log lines. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName,
});

/**
 * Settings every client shares. `AWS_ENDPOINT_URL` (moto locally) overrides the endpoint of every service, so the
 * same handler code runs against AWS and moto; S3 then needs path-style addressing.
 */
export function clientConfig(env: NodeJS.ProcessEnv = process.env): {
  endpoint?: string;
  region?: string;
} {
  const endpoint = env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}),
    ...(region !== undefined && region !== "" ? { region } : {}),
  };
}

/**
 * One instance per container: the first call builds it, later calls return the same object. Each factory below is
 * marked pure, so a bundle keeps only the clients its handler calls (esbuild drops the rest and their SDK packages).
 */
function once<T extends object>(build: () => T): () => T {
  let client: T | undefined;
  return () => {
    client ??= tracer.captureAWSv3Client(build());
    return client;
  };
}

export const s3Client = /* @__PURE__ */ once(() => {
  const config = clientConfig();
  return new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined });
});
export const sqsClient = /* @__PURE__ */ once(() => new SQSClient(clientConfig()));
export const dynamoClient = /* @__PURE__ */ once(() => new DynamoDBClient(clientConfig()));
export const secretsClient = /* @__PURE__ */ once(() => new SecretsManagerClient(clientConfig()));
export const glueClient = /* @__PURE__ */ once(() => new GlueClient(clientConfig()));
export const eventsClient = /* @__PURE__ */ once(() => new EventBridgeClient(clientConfig()));

/** Reads a required environment variable or throws naming it (at init, so a misconfigured function fails fast). */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  return value;
}
