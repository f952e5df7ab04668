import { LOCAL_GAPS } from "../stacks/local-compat.js";
import type { Suppression } from "./types.js";

/** The reason the local-compatibility layer gives for a gap, so a suppression cannot outlive the gap it cites. */
function localGap(id: string): string {
  const gap = LOCAL_GAPS.find((g) => g.id === id);
  if (!gap)
    throw new Error(
      `policy suppression cites local gap "${id}", which src/stacks/local-compat.ts no longer lists`,
    );
  return `local gap ${gap.id}: ${gap.what}; ${gap.handling}`;
}

/**
 * Reasoned exceptions to the rule pack. Each names one rule, the resources (Terraform address, exact or glob) and,
 * optionally, one stack. Every entry needs a reason a reviewer can check; suppressed findings are printed with it.
 */
export const SUPPRESSIONS: readonly Suppression[] = [
  {
    ruleId: "S3.TlsOnly",
    stack: "local",
    address: "aws_s3_bucket.*",
    reason: localGap("s3-secure-transport"),
  },
  ...["aws_s3_bucket.zone-logs_bucket_*", "aws_s3_bucket.state-access-logs_bucket_*"].map((address) => ({
    ruleId: "S3.AccessLogs",
    address,
    reason:
      "an access-log bucket is the destination of other buckets' server access logs; logging it into itself would loop and into another bucket only moves the gap",
  })),
  {
    ruleId: "IAM.RoleBoundary",
    stack: "bootstrap",
    address: "aws_iam_role.*",
    reason:
      "the bootstrap stack's roles are the ones that hold IAM (the CI apply role creates the lake's bounded roles, the plan and state roles are read-only or state-only); a PowerUserAccess boundary would take away exactly the IAM they exist for, and `make tf/bootstrap` runs with an administrator's credentials, not CI's",
  },
  ...["IAM.NoWildcardResources", "IAM.NoWriteOnWildcardResources"].map((ruleId) => ({
    ruleId,
    address: "aws_iam_role_policy.curated-*_policy_*",
    reason:
      'a state machine that logs to CloudWatch needs logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies and DescribeLogGroups, which AWS authorizes only on Resource "*" (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs"); statement DeliverLogs of the curated stage role holds exactly those',
  })),
];

export class SuppressionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid policy suppressions:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SuppressionError";
  }
}

/** Rejects suppressions without a reason, for unknown rules, or with an empty address; every problem at once. */
export function validateSuppressions(
  suppressions: readonly Suppression[],
  ruleIds: readonly string[],
): readonly Suppression[] {
  const problems: string[] = [];
  suppressions.forEach((s, i) => {
    const known = (field: string | undefined) => (field === undefined || field === "" ? "?" : field);
    const at = `suppression ${i} (${known(s.ruleId)} ${known(s.address)})`;
    if (typeof s.reason !== "string" || s.reason.trim().length === 0) problems.push(`${at}: has no reason`);
    if (!ruleIds.includes(s.ruleId)) problems.push(`${at}: unknown rule id "${s.ruleId}"`);
    if (typeof s.address !== "string" || s.address.trim().length === 0)
      problems.push(`${at}: has no address`);
  });
  if (problems.length > 0) throw new SuppressionError(problems);
  return suppressions;
}

/** `*` matches any run of characters, `?` one; everything else literally. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

export function suppressionMatches(s: Suppression, stack: string, ruleId: string, address: string): boolean {
  return (
    s.ruleId === ruleId &&
    (s.stack === undefined || s.stack === stack) &&
    globToRegExp(s.address).test(address)
  );
}
