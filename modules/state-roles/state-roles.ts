import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import { RolePolicy } from "../role-policy/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";
import type { StateRoleSpec, StateRolesProps } from "./state-roles-props.js";

/** A state role and its inline policy. */
export interface StateRole {
  readonly role: IamRole;
  readonly policy: RolePolicy;
}

/**
 * One environment's Terraform state, in a bucket that several environments share, reachable only through that
 * environment's roles:
 * - `role` (`readWrite`): read and write `<keyPrefix>*`, delete only its `*.tflock` (the state itself is never
 *   deleted: a versioned bucket);
 * - `plan-role` (`readOnly`, optional): read `<keyPrefix>*` only.
 * Each is trusted by the given principals only, by `aws:PrincipalArn`. The bucket policy backs that up for every
 * principal, the bucket account's own included: the environment's keys are denied to all but its state roles (give
 * the bucket `denyPutsWithoutKey` once, so that every put is SSE-KMS with its key).
 */
export class StateRoles extends Construct {
  readonly readWrite: StateRole;
  readonly readOnly?: StateRole;

  constructor(scope: Construct, id: string, props: StateRolesProps) {
    super(scope, id);
    // Validate.
    const { context, bucket, keyPrefix: prefix } = props;
    if (!bucket.key)
      throw new Error(`StateRoles ${id}: the state bucket must be SSE-KMS: its roles are granted its key`);
    for (const spec of [props.readWrite, ...(props.readOnly ? [props.readOnly] : [])])
      if (spec.trustedArns.length === 0)
        throw new Error(
          `StateRoles ${id}: state role ${spec.roleName} would be trusted by no one (trustedArns is empty)`,
        );

    // Build.
    const role = (roleId: string, spec: StateRoleSpec): StateRole => {
      const accounts = [...new Set(spec.trustedArns.map((a) => a.split(":")[4] ?? ""))];
      const trust = new DataAwsIamPolicyDocument(this, `${roleId}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRole", "sts:TagSession"],
            principals: [
              { type: "AWS", identifiers: accounts.map((a) => `arn:${context.partition}:iam::${a}:root`) },
            ],
            condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: [...spec.trustedArns] }],
          },
        ],
      });
      const created = new IamRole(this, roleId, {
        name: spec.roleName,
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
      });
      return { role: created, policy: new RolePolicy(this, `${roleId}-policy`, { role: created }) };
    };

    // Wire.
    this.readWrite = role("role", props.readWrite);
    bucket.grantRead(this.readWrite.policy, prefix);
    bucket.grantWrite(this.readWrite.policy, prefix);
    // `<key>.tflock` is deleted when the lock is released.
    this.readWrite.policy.addStatements({
      actions: ["s3:DeleteObject"],
      resources: [bucket.objectsArn(`${prefix}*.tflock`)],
    });
    const account = props.accountId ?? context.accountId;
    // By name, not by reference: a condition needs no existing role, and the ARN is the one the backend uses.
    const reachers = [roleArn(context.partition, account, props.readWrite.roleName)];
    if (props.readOnly) {
      this.readOnly = role("plan-role", props.readOnly);
      bucket.grantRead(this.readOnly.policy, prefix);
      reachers.push(roleArn(context.partition, account, props.readOnly.roleName));
    }
    const name = props.environment;
    bucket.addToBucketPolicy({
      sid: `Deny${name[0]?.toUpperCase()}${name.slice(1)}StateToOthers`,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      // A deny must cover every object action, or the ones not named stay open to the account's other roles.
      actions: ["s3:*"],
      resources: [bucket.objectsArn(prefix)],
      condition: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: reachers }],
    });
  }
}

/**
 * Refuses every put to `bucket` that is not SSE-KMS with its own key, named by ARN or by `keyAliasArn` (a put that
 * names no key is refused too: Terraform's S3 backend always names it, with `kms_key_id`). Once per bucket.
 */
export function denyPutsWithoutKey(bucket: ZoneBucket, keyAliasArn: string): void {
  const key = bucket.key;
  if (!key) throw new Error("denyPutsWithoutKey: the bucket must be SSE-KMS with its own key");
  bucket.addToBucketPolicy({
    sid: "DenyPutsWithoutKms",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["s3:PutObject"],
    resources: [bucket.objectsArn()],
    condition: [
      { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
    ],
  });
  bucket.addToBucketPolicy({
    sid: "DenyPutsWithAnotherKey",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["s3:PutObject"],
    resources: [bucket.objectsArn()],
    condition: [
      {
        test: "StringNotEquals",
        variable: "s3:x-amz-server-side-encryption-aws-kms-key-id",
        values: [key.arn, keyAliasArn],
      },
    ],
  });
}

function roleArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}
