import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

/** One state role: its physical name, and the principals (ARNs, `*` allowed) that may assume it. */
export interface StateRoleSpec {
  readonly roleName: string;
  /** Matched with `ArnLike` on `aws:PrincipalArn`; their accounts' roots are the trust's principals. */
  readonly trustedArns: readonly string[];
}

export interface StateRolesProps {
  readonly context: AwsContext;
  /** The shared state bucket: SSE-KMS (its roles are granted its key), holding every environment's state. */
  readonly bucket: ZoneBucket;
  /** The environment's name, as the bucket policy's statement id spells it (`Deny<Name>StateToOthers`). */
  readonly environment: string;
  /**
   * The account of the bucket and the roles. The bucket policy names the roles by ARN, not by reference (a condition
   * needs no existing role); give the account as a literal where it is known, so the ARN is the literal the backend's
   * config uses.
   * @default context.accountId
   */
  readonly accountId?: string;
  /** The environment's keys in the bucket (`<keyPrefix>…`), e.g. `event-lake/test/`. */
  readonly keyPrefix: string;
  /** Reads and writes the environment's state and deletes its `.tflock` (native S3 locking). */
  readonly readWrite: StateRoleSpec;
  /**
   * Reads the environment's state only (plans that take no lock).
   * @default none: only the read-write role reaches the environment's keys
   */
  readonly readOnly?: StateRoleSpec;
}
