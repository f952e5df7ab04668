import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface AthenaWorkgroupProps {
  readonly context: AwsContext;
  /** Physical workgroup name. */
  readonly name: string;
  readonly description?: string;
  /** The bucket query results go to, SSE-KMS with that zone's key. It must have a key (encryption "kms"). */
  readonly results: ZoneBucket;
  /** Prefix of this workgroup's results in that bucket, ending in "/". @default "<name>/" */
  readonly resultsPrefix?: string;
  /** Bytes one query may scan before Athena cancels it; at least 10 MB. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Let `terraform destroy` delete the workgroup with its named queries and history. Needs the second opt-in
   * `acknowledgeQueryLoss: true`. @default false
   */
  readonly forceDestroy?: { readonly enabled: boolean; readonly acknowledgeQueryLoss: boolean };
}

/** Defaults, in one place so tests and docs can pin them. */
export const ATHENA_WORKGROUP_DEFAULTS = {
  bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  engineVersion: "Athena engine version 3",
  /** Athena's own floor for the cutoff. */
  minimumCutoff: 10 * 1024 ** 2,
} as const;
