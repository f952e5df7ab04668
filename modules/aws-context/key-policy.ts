import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsContext } from "./aws-context.js";

/** What the account root may do with a key: administer it, not use it. Use is granted per role or service. */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
] as const;

/**
 * The first statement of every key policy: key administration for the account root, which is what lets IAM manage
 * the key at all. In a key policy the resource "*" means "this key"; no narrower form exists.
 */
export function keyAdminStatement(context: AwsContext): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "KeyAdministrationByAccount",
    principals: [{ type: "AWS", identifiers: [context.rootArn] }],
    actions: [...KEY_ADMIN_ACTIONS],
    resources: ["*"],
  };
}

/**
 * The key-policy statement that lets CloudWatch Logs encrypt the given log groups with the key (and only those:
 * the log group's ARN is the encryption context). `ArnLike` when a pattern ends in `*`. One statement for every
 * log-group key of the lake, so the service principal and actions are written once.
 */
export function logsKeyStatement(
  context: AwsContext,
  sid: string,
  logGroupArns: readonly string[],
): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    principals: [{ type: "Service", identifiers: [`logs.${context.region}.${context.dnsSuffix}`] }],
    actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
    // In a key policy "*" is this key.
    resources: ["*"],
    condition: [
      {
        test: logGroupArns.some((arn) => arn.endsWith("*")) ? "ArnLike" : "ArnEquals",
        variable: "kms:EncryptionContext:aws:logs:arn",
        values: [...logGroupArns],
      },
    ],
  };
}

/**
 * The key-policy statement that lets DynamoDB use the key for this account's tables, as the AWS-managed
 * aws/dynamodb key does: any principal of the account, only through DynamoDB in this region (kms:ViaService,
 * kms:CallerAccount), so table access stays governed by the tables' own IAM grants.
 */
export function dynamodbKeyStatement(context: AwsContext): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "DynamoDbTablesOfThisAccount",
    principals: [{ type: "AWS", identifiers: ["*"] }],
    actions: [
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ],
    // In a key policy "*" is this key.
    resources: ["*"],
    condition: [
      {
        test: "StringEquals",
        variable: "kms:ViaService",
        values: [`dynamodb.${context.region}.${context.dnsSuffix}`],
      },
      { test: "StringEquals", variable: "kms:CallerAccount", values: [context.accountId] },
    ],
  };
}
