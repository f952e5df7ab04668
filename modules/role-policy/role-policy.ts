import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { Grantee } from "../aws-context/index.js";

export interface RolePolicyProps {
  readonly role: IamRole;
  /** Name of the inline policy. @default "event-lake" */
  readonly policyName?: string;
}

/**
 * The inline policy of one role, grown by `grant*` calls on other constructs. It is the usual `Grantee`: hand it to
 * `zone.grantRead(policy)` and the statement lands here, scoped to the exact resource.
 */
export class RolePolicy extends Construct implements Grantee {
  readonly role: IamRole;
  private readonly statements: DataAwsIamPolicyDocumentStatement[] = [];
  private readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: RolePolicyProps) {
    super(scope, id);
    this.role = props.role;
    this.document = new DataAwsIamPolicyDocument(this, "document", { statement: this.statements });
    new IamRolePolicy(this, "policy", {
      name: props.policyName ?? "event-lake",
      role: props.role.name,
      policy: this.document.json,
    });
  }

  addStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void {
    this.statements.push(...statements);
    this.document.putStatement(this.statements);
  }
}
