import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { RolePolicy } from "../role-policy/index.js";

/** The IamRolePolicy inside a RolePolicy (construct id "policy"), for dependsOn: a role must hold it before use. */
export function inlinePolicy(policy: RolePolicy): IamRolePolicy {
  const inline = policy.node.findChild("policy");
  if (!(inline instanceof IamRolePolicy))
    throw new Error("RolePolicy no longer holds its IamRolePolicy as 'policy'");
  return inline;
}
