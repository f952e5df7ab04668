import { PIPELINE_NAME } from "../../src/core/naming.js";

/**
 * The event EventBridge Scheduler sends: `{ "pipeline": "orders", "scheduledTime": "<aws.scheduler.scheduled-time>" }`.
 * `scheduledTime` is optional; when present it becomes the run id, so Lambda's automatic retries of one scheduled
 * invocation write the same object and the same run record instead of a second copy.
 */
export interface IngestEvent {
  readonly pipeline: string;
  readonly scheduledTime?: string;
}

export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Validates an invocation payload; throws naming every bad field. */
export function parseIngestEvent(input: unknown): IngestEvent {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new InvalidEventError(
      `ingest event must be an object like {"pipeline":"orders"}, got ${JSON.stringify(input)}`,
    );
  const { pipeline, scheduledTime, ...rest } = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof pipeline !== "string" || !PIPELINE_NAME.test(pipeline))
    problems.push(`pipeline must be a lower-case snake_case pipeline name, got ${JSON.stringify(pipeline)}`);
  if (scheduledTime !== undefined && (typeof scheduledTime !== "string" || !ISO_INSTANT.test(scheduledTime)))
    problems.push(`scheduledTime must be an ISO-8601 UTC instant, got ${JSON.stringify(scheduledTime)}`);
  const unknown = Object.keys(rest);
  if (unknown.length > 0) problems.push(`unknown field(s): ${unknown.sort().join(", ")}`);
  if (problems.length > 0) throw new InvalidEventError(`invalid ingest event: ${problems.join("; ")}`);
  return {
    pipeline: pipeline as string,
    ...(scheduledTime !== undefined ? { scheduledTime: scheduledTime as string } : {}),
  };
}
