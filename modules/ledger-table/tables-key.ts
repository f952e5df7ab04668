import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Construct } from "constructs";
import { type AwsContext, createdBy, dynamodbKeyStatement, keyAdminStatement } from "../aws-context/index.js";

/**
 * A rotating customer-managed key for LedgerTables (`key`): DynamoDB may use it for this account's tables only
 * (dynamodbKeyStatement), so table access stays with the tables' IAM grants. Construct ids `<id>-policy`, `<id>`
 * and `<id>-alias`.
 */
export function ledgerTablesKey(
  scope: Construct,
  id: string,
  props: { readonly context: AwsContext; readonly description: string; readonly aliasName: string },
): KmsKey {
  const policy = new DataAwsIamPolicyDocument(scope, `${id}-policy`, {
    statement: [keyAdminStatement(props.context), dynamodbKeyStatement(props.context)],
  });
  const key = new KmsKey(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: policy.json,
  });
  const alias = new KmsAlias(scope, `${id}-alias`, { name: props.aliasName, targetKeyId: key.keyId });
  createdBy(ledgerTablesKey, policy, key, alias);
  return key;
}
