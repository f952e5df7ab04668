import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export type ReadWriteType = "All" | "ReadOnly" | "WriteOnly";

export interface AuditTrailProps {
  readonly context: AwsContext;
  /** Physical trail name (1-128 letters, digits, ".", "_", "-"). */
  readonly trailName: string;
  /** Physical name of the trail's own bucket, from the naming helper. */
  readonly bucketName: string;
  /** Where the trail bucket's server access logs go. @default none (only for examples: the policy pack wants logs) */
  readonly accessLogs?: ZoneBucket;
  /** Zone buckets whose object-level calls (S3 data events) the trail records. @default none */
  readonly dataEventBuckets?: readonly ZoneBucket[];
  /** Which data events: reads, writes or both. @default "All" */
  readonly dataEventReadWriteType?: ReadWriteType;
  /**
   * Whether the trail logs. Only the local-compatibility layer turns it off (moto's StartLogging fails).
   * @default true
   */
  readonly enableLogging?: boolean;
  /** Days the trail's log files are kept. @default 365 */
  readonly retentionDays?: number;
  /**
   * Also deliver the trail's events to CloudWatch Logs (for metric filters and alarms): a log group
   * `/aws/cloudtrail/<trailName>` with its own rotating key and this retention (days, one of CloudWatch's values),
   * and a role CloudTrail assumes for this trail only to write to it. @default undefined: S3 only
   */
  readonly cloudWatchLogs?: { readonly retentionDays: number };
  /** Deny non-TLS requests to the trail bucket; off only in local (moto). @default true */
  readonly denyInsecureTransport?: boolean;
  /**
   * Let `terraform destroy` delete the trail bucket with its logs. Needs the second opt-in
   * `acknowledgeDataLoss: true`. @default false
   */
  readonly forceDestroy?: { readonly enabled: boolean; readonly acknowledgeDataLoss: boolean };
}

/** Defaults, in one place so tests and docs can pin them. */
export const AUDIT_TRAIL_DEFAULTS = {
  dataEventReadWriteType: "All",
  enableLogging: true,
  retentionDays: 365,
  denyInsecureTransport: true,
} as const;
