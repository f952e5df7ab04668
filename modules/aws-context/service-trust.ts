import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsContext } from "./aws-context.js";

/** Which requests of the service may assume the role. */
export interface ServiceTrust {
  /** Only on behalf of this account (`aws:SourceAccount`). @default true */
  readonly sourceAccount?: boolean;
  /** Only on behalf of these resources (`aws:SourceArn`); `ArnLike` when a value holds a `*`. @default undefined */
  readonly sourceArns?: readonly string[];
}

/**
 * The trust statement of a role that AWS services assume (`sts:AssumeRole` for their service principals, e.g.
 * `glue` -> `glue.amazonaws.com`), narrowed by default to this account's requests (confused-deputy protection).
 * Pass `sourceAccount: false` only where the service does not set the key (Lambda, QuickSight's VPC connections).
 */
export function serviceTrustStatement(
  context: AwsContext,
  services: readonly string[],
  trust: ServiceTrust = {},
): DataAwsIamPolicyDocumentStatement {
  const condition: DataAwsIamPolicyDocumentStatementCondition[] = [];
  if (trust.sourceAccount ?? true)
    condition.push({ test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] });
  if (trust.sourceArns !== undefined)
    condition.push({
      test: trust.sourceArns.some((arn) => arn.includes("*")) ? "ArnLike" : "StringEquals",
      variable: "aws:SourceArn",
      values: [...trust.sourceArns],
    });
  return {
    actions: ["sts:AssumeRole"],
    principals: [{ type: "Service", identifiers: services.map((s) => context.servicePrincipal(s)) }],
    ...(condition.length > 0 ? { condition } : {}),
  };
}
