import type { AccountTrust, AwsContext } from "../aws-context/index.js";

export interface ProducerRoleProps {
  readonly context: AwsContext;
  /** The role's physical name. */
  readonly roleName: string;
  /** What the role is for, shown in IAM. */
  readonly description: string;
  /**
   * Who may assume it: named roles or users, or else the account's principals carrying the tag (never the whole
   * account: policy rule IAM.TrustNoBareAccountRoot).
   */
  readonly trust: AccountTrust;
}
