import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * The permissions boundary of every role the lake creates: AWS's managed `PowerUserAccess`, which allows every
 * service but IAM, Organizations and account settings. Whatever a lake role's own policies say, it can never
 * manage IAM. The CI apply role may create and change `<prefix>-*` roles only while they carry this boundary
 * (modules/github-ci-roles), so it cannot mint a role more powerful than itself, nor grow its own powers.
 *
 * AWS-managed on purpose: it exists in every account before the lake does (moto loads it with
 * MOTO_IAM_LOAD_MANAGED_POLICIES), and no role of ours can edit it. No lake role calls IAM (a test checks that
 * against every synthesized stack), so the boundary takes nothing away from them.
 */
export const ROLE_BOUNDARY_POLICY = "PowerUserAccess";

export function roleBoundaryArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/${ROLE_BOUNDARY_POLICY}`;
}

/**
 * Sets the boundary on every `aws_iam_role` of a stack, after the constructs' own props, so no module can leave it
 * off or set another (a module that needs a narrower one would be the place to change this).
 */
export class RoleBoundaryAspect implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
