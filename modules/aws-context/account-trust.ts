import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsContext } from "./aws-context.js";

/** Who may assume a role that people or their systems use (producers, personas). */
export interface AccountTrust {
  /** Exactly these roles or users may assume it. @default undefined: principals carrying `tag` */
  readonly principalArns?: readonly string[];
  /** Without `principalArns`: the account's principals whose tag `key` has this `value` (aws:PrincipalTag). */
  readonly tag: { readonly key: string; readonly value: string };
}

/**
 * The trust statement for such a role: the named principals, or else the account root narrowed to principals with
 * the tag, so that no user or role of the account reaches the role through a broad sts:AssumeRole alone (policy rule
 * IAM.TrustNoBareAccountRoot). Session tags pass the same condition, so SSO users get in through a tagged session.
 */
export function accountTrustStatement(
  context: AwsContext,
  trust: AccountTrust,
  actions: readonly string[] = ["sts:AssumeRole"],
): DataAwsIamPolicyDocumentStatement {
  if (trust.principalArns !== undefined && trust.principalArns.length > 0)
    return {
      sid: "AssumeFromNamedPrincipals",
      actions: [...actions],
      principals: [{ type: "AWS", identifiers: [...trust.principalArns] }],
    };
  return {
    sid: "AssumeFromTaggedPrincipals",
    actions: [...actions],
    principals: [{ type: "AWS", identifiers: [context.rootArn] }],
    condition: [
      { test: "StringEquals", variable: `aws:PrincipalTag/${trust.tag.key}`, values: [trust.tag.value] },
    ],
  };
}
