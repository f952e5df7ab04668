import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { accountTrustStatement, createdBy } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import type { ProducerRoleProps } from "./producer-role-props.js";

/**
 * The role a producer (a person, a service of another team) assumes to hand data to the lake, with an empty inline
 * policy that the lake grows through `grant*` calls (`zone.grantWrite(producer.policy, "orders/")`,
 * `stream.grantPut(producer.policy)`).
 *
 * It adds no level to the construct tree: its Terraform resources are `<id>-trust`, `<id>` (the role) and
 * `<id>-policy` directly in `scope`, the addresses the lake's producer roles had before this module existed.
 */
export class ProducerRole {
  readonly role: IamRole;
  /** The role's inline policy: hand it to `grant*` methods. */
  readonly policy: RolePolicy;

  constructor(scope: Construct, id: string, props: ProducerRoleProps) {
    const trust = new DataAwsIamPolicyDocument(scope, `${id}-trust`, {
      statement: [accountTrustStatement(props.context, props.trust)],
    });
    this.role = new IamRole(scope, id, {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(scope, `${id}-policy`, { role: this.role });
    createdBy(ProducerRole, trust, this.role); // the policy is a RolePolicy: it encloses its own resources
  }
}
