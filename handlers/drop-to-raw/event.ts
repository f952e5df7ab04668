/**
 * The body of one SQS message from the drop zone's S3 -> SNS -> SQS fan-out, parsed strictly. The body is either the
 * S3 event notification itself (SNS raw message delivery) or an SNS envelope whose `Message` is that notification;
 * S3's `s3:TestEvent` (sent when notifications are configured) is recognised and carries no object.
 */

/** One object the drop zone reports as created. */
export interface DropObject {
  readonly bucket: string;
  /** Decoded: S3 (and moto) send keys URL-encoded with `+` for spaces. */
  readonly key: string;
  readonly versionId: string | undefined;
  /** Without quotes. */
  readonly eTag: string | undefined;
  readonly size: number | undefined;
  readonly eventName: string;
  /** ISO 8601, always with a zone (moto leaves the `Z` off). */
  readonly eventTime: string;
}

export type DropEvent =
  | { readonly kind: "test"; readonly bucket: string | undefined }
  | { readonly kind: "objects"; readonly objects: readonly DropObject[] };

/** The message is not what the drop zone sends; it fails its SQS record (and ends in the DLQ after retries). */
export class EventShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventShapeError";
  }
}

/** S3 event keys are URL-encoded with `+` for space (moto uses Python's quote_plus): decode both. */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
  } catch {
    throw new EventShapeError(`s3.object.key: ${JSON.stringify(encoded)} is not a valid URL-encoded key`);
  }
}

/** An event time as ISO 8601 UTC; a time without a zone (moto) is UTC. */
export function normalizeEventTime(value: string, at: string): string {
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const time = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time.getTime()))
    throw new EventShapeError(`${at}: ${JSON.stringify(value)} is not an ISO 8601 time`);
  return time.toISOString();
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function field<T>(object: Json, name: string, at: string, check: (v: unknown) => v is T, what: string): T {
  const value = object[name];
  if (!check(value))
    throw new EventShapeError(
      `${at}.${name}: ${value === undefined ? "missing" : `${JSON.stringify(value)?.slice(0, 80)} is not ${what}`}`,
    );
  return value;
}

function optional<T>(
  object: Json,
  name: string,
  at: string,
  check: (v: unknown) => v is T,
  what: string,
): T | undefined {
  return object[name] === undefined || object[name] === null
    ? undefined
    : field(object, name, at, check, what);
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EventShapeError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** Parses one SQS message body; throws {@link EventShapeError} naming the first thing that is wrong. */
export function parseDropEvent(body: string): DropEvent {
  let message = parseJson(body, "the SQS message body");
  if (isObject(message) && message["Type"] !== undefined) {
    if (message["Type"] !== "Notification")
      throw new EventShapeError(
        `SNS envelope: Type ${JSON.stringify(message["Type"])} is not "Notification"`,
      );
    const inner = field(message, "Message", "SNS envelope", isString, "a string");
    message = parseJson(inner, "SNS envelope: Message");
  }
  if (!isObject(message)) throw new EventShapeError("the S3 event is not a JSON object");
  if (message["Event"] === "s3:TestEvent") {
    const bucket = message["Bucket"];
    return { kind: "test", bucket: typeof bucket === "string" ? bucket : undefined };
  }
  const records = message["Records"];
  if (!Array.isArray(records) || records.length === 0)
    throw new EventShapeError("Records: missing or empty; not an S3 event notification");
  return { kind: "objects", objects: records.map((record, i) => parseRecord(record, `Records[${i}]`)) };
}

function parseRecord(record: unknown, at: string): DropObject {
  if (!isObject(record)) throw new EventShapeError(`${at}: not an object`);
  const source = field(record, "eventSource", at, isString, "a string");
  if (source !== "aws:s3")
    throw new EventShapeError(`${at}.eventSource: ${JSON.stringify(source)} is not "aws:s3"`);
  const eventName = field(record, "eventName", at, isString, "a string");
  if (!eventName.startsWith("ObjectCreated:"))
    throw new EventShapeError(`${at}.eventName: ${JSON.stringify(eventName)} is not an ObjectCreated event`);
  const eventTime = normalizeEventTime(
    field(record, "eventTime", at, isString, "a string"),
    `${at}.eventTime`,
  );
  const s3 = field(record, "s3", at, isObject, "an object");
  const bucket = field(s3, "bucket", `${at}.s3`, isObject, "an object");
  const object = field(s3, "object", `${at}.s3`, isObject, "an object");
  const eTag = optional(object, "eTag", `${at}.s3.object`, isNonEmpty, "a non-empty string");
  return {
    bucket: field(bucket, "name", `${at}.s3.bucket`, isNonEmpty, "a non-empty string"),
    key: decodeS3Key(field(object, "key", `${at}.s3.object`, isNonEmpty, "a non-empty string")),
    versionId: optional(object, "versionId", `${at}.s3.object`, isNonEmpty, "a non-empty string"),
    eTag: eTag?.replace(/^"|"$/g, ""),
    size: optional(object, "size", `${at}.s3.object`, isCount, "a whole number"),
    eventName,
    eventTime,
  };
}
