import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Construct } from "constructs";
import type { AwsContext } from "./aws-context.js";
import { createdBy } from "./created-by.js";
import { keyAdminStatement, logsKeyStatement } from "./key-policy.js";

/**
 * A rotating customer-managed key that CloudWatch Logs may use for the named log groups only (ARNs or `*`
 * patterns): the default of a construct whose caller passes no key of its own, and the lake's shared logs key.
 * Construct ids `<id>-policy`, `<id>` and, with `aliasName`, `<id>-alias`.
 */
export function logGroupKey(
  scope: Construct,
  id: string,
  props: {
    readonly context: AwsContext;
    readonly logGroupArns: readonly string[];
    readonly description: string;
    /** @default 30 */
    readonly deletionWindowInDays?: number;
    /** An alias for the key, e.g. `alias/event-lake-test-logs`. @default none */
    readonly aliasName?: string;
  },
): KmsKey {
  const policy = new DataAwsIamPolicyDocument(scope, `${id}-policy`, {
    statement: [
      keyAdminStatement(props.context),
      logsKeyStatement(props.context, "CloudWatchLogsEncryptLogGroups", props.logGroupArns),
    ],
  });
  const key = new KmsKey(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: props.deletionWindowInDays ?? 30,
    policy: policy.json,
  });
  createdBy(logGroupKey, policy, key);
  if (props.aliasName !== undefined)
    createdBy(
      logGroupKey,
      new KmsAlias(scope, `${id}-alias`, { name: props.aliasName, targetKeyId: key.keyId }),
    );
  return key;
}
