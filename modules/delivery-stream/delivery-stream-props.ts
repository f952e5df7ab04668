import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface DeliveryStreamProps {
  readonly context: AwsContext;
  /** Physical names, from the naming helper. */
  readonly names: {
    /** The Firehose stream (1-64 letters, digits, `_`, `.` or `-`); also the key's alias. */
    readonly stream: string;
    /** The delivery role Firehose assumes (at most 64 characters). */
    readonly role: string;
    /** The log group of delivery errors. @default `/aws/kinesisfirehose/<names.stream>` */
    readonly logGroup?: string;
  };
  /** The dataset the stream feeds, lower-case snake_case: its prefix in the zone (`<dataset>/`). */
  readonly dataset: string;
  /**
   * The records' format: one that survives Firehose concatenating records (`ndjson`, or `csv` with
   * `header: false`). The type is also the objects' extension (`.<type>.gz`).
   */
  readonly format: { readonly type: string; readonly header?: boolean };
  /** Firehose's buffering hints: it delivers an object when either is reached. */
  readonly buffer?: {
    /** @default 300 */
    readonly seconds?: number;
    /** @default 64 */
    readonly megabytes?: number;
  };
  /** The drop zone the stream delivers into, under `<dataset>/ingest_date=YYYY-MM-DD/`. */
  readonly zone: ZoneBucket;
  /** Days delivery-error logs are kept (a value CloudWatch Logs accepts). @default 30 */
  readonly logRetentionDays?: number;
  /** Days before a scheduled deletion of the stream's key completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const DELIVERY_STREAM_DEFAULTS = {
  /** `buffer.seconds` when none is given. */
  bufferSeconds: 300,
  /** `buffer.megabytes` when none is given. */
  bufferMegabytes: 64,
  logRetentionDays: 30,
  keyDeletionWindowDays: 30,
  logGroupPrefix: "/aws/kinesisfirehose/",
  /** The log stream Firehose writes delivery errors to (created here: Firehose does not create it). */
  logStreamName: "DestinationDelivery",
  compressionFormat: "GZIP",
  /** The time zone of `!{timestamp:...}` in the prefix: the converter's ingest dates are UTC days. */
  timeZone: "UTC",
  /** Failed deliveries go under this root, outside every pipeline's prefix (drop-to-raw quarantines them whole). */
  errorRoot: "_firehose-errors",
} as const;

/** Firehose's limits on the buffering hints of an S3 destination. */
export const BUFFER_LIMITS = {
  seconds: { min: 0, max: 900 },
  megabytes: { min: 1, max: 128 },
} as const;
