import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "./zone-bucket.js";

export interface ZoneBucketProps {
  /** Physical bucket name, from the naming helper. */
  readonly bucketName: string;
  readonly context: AwsContext;
  /** What the bucket holds, for descriptions and the key alias, e.g. `drop`. */
  readonly zone: string;
  /**
   * `kms`: a customer-managed key of its own, with rotation, SSE-KMS and a bucket key.
   * `s3-managed`: SSE-S3, only for buckets AWS services cannot write with KMS (S3 server access logs).
   * @default "kms"
   */
  readonly encryption?: "kms" | "s3-managed";
  /** Use this key instead of creating one. @default a new key for this bucket */
  readonly existingKey?: KmsKey;
  /**
   * The access-log bucket that receives this bucket's server access logs, under `prefix`.
   * @default none (only right for the access-log bucket itself)
   */
  readonly accessLogs?: { readonly target: ZoneBucket; readonly prefix?: string };
  /** Expire current objects after this many days (e.g. the drop zone). @default never */
  readonly expireAfterDays?: number;
  /** Expire current objects under a prefix sooner than the rest, e.g. one pipeline's drop files. @default none */
  readonly prefixExpirations?: readonly { readonly prefix: string; readonly days: number }[];
  /** Expire noncurrent versions after this many days. @default 30 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Abort incomplete multipart uploads after this many days. @default 7 */
  readonly abortIncompleteUploadsAfterDays?: number;
  /**
   * Move objects to Intelligent-Tiering after this many days. Never Glacier: Athena cannot read archived objects.
   * @default off
   */
  readonly intelligentTieringAfterDays?: number;
  /**
   * Deny every request not made over TLS. Only the local-compatibility layer turns this off, because moto never
   * evaluates `aws:SecureTransport` and so denies everything.
   * @default true
   */
  readonly denyInsecureTransport?: boolean;
  /**
   * Let `terraform destroy` delete a bucket that still holds data. Needs the explicit second opt-in
   * `acknowledgeDataLoss: true`.
   * @default false
   */
  readonly forceDestroy?: { readonly enabled: boolean; readonly acknowledgeDataLoss: boolean };
  /** Days before a scheduled key deletion completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const ZONE_BUCKET_DEFAULTS = {
  encryption: "kms",
  noncurrentVersionExpiryDays: 30,
  abortIncompleteUploadsAfterDays: 7,
  denyInsecureTransport: true,
  keyDeletionWindowDays: 30,
} as const;
