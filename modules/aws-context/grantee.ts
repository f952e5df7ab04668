import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";

/**
 * Whatever can be granted access: a role plus a way to add statements to that role's own policy.
 * Constructs expose `grant*` methods that take one of these, so callers never pass ARN strings around.
 */
export interface Grantee {
  readonly role: IamRole;
  addStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void;
}
