import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import type { Construct } from "constructs";
import { createdBy } from "../aws-context/index.js";

/** The role QuickSight creates when the account subscribes, and reads S3 with (through Athena). */
export const QUICKSIGHT_SERVICE_ROLE = "aws-quicksight-service-role-v0";

/**
 * QuickSight's own service role, read with a data source (the stack does not manage it; a plan fails until the
 * account subscribed), to admit it where the Athena source's reads land: `zone.admitRoleToKey(role, …)`. It adds no
 * level to the construct tree: the data source is `id` in `scope`.
 */
export function quicksightServiceRole(
  scope: Construct,
  id: string,
  name = QUICKSIGHT_SERVICE_ROLE,
): DataAwsIamRole {
  const role = new DataAwsIamRole(scope, id, { name });
  createdBy(quicksightServiceRole, role);
  return role;
}
