import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformOutput, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AwsContext } from "../../modules/aws-context/index.js";
import { RolePolicy } from "../../modules/role-policy/index.js";
import type { ZoneBucket } from "../../modules/zone-bucket/index.js";
import type { LakeConfig } from "../config/types.js";
import { statePrefix, stateRoleArns } from "./aws-provider.js";
import { CI_ENVIRONMENTS, ciRoleArns } from "./github-ci.js";

export interface StateRolesProps {
  readonly lake: LakeConfig;
  readonly aws: AwsContext;
  /** The shared state bucket (SSE-KMS, its key aliased after the bucket). */
  readonly state: ZoneBucket;
}

/**
 * One environment's state is reachable only through that environment's roles in the state account:
 * - `<roleName>-<env>`: read and write `<keyPrefix>/<env>/*`, delete only its `.tflock` (native S3 locking); trusted
 *   by the environment's deployers (`state.deployers.<env>`) and its CI apply role, by `aws:PrincipalArn`;
 * - `<roleName>-<env>-plan` (with a `github` block): read `<keyPrefix>/<env>/*` only, trusted by its CI plan role.
 *   CI plans never take the lock (`-lock=false`, docs/delivery.md), so this role writes nothing.
 * The bucket policy backs that up for every principal, the state account's own included: an environment's keys
 * are denied to all but its state roles, and every put must be SSE-KMS with the state key.
 */
export function buildStateRoles(stack: TerraformStack, props: StateRolesProps): void {
  const { lake, aws, state } = props;
  const key = state.key;
  if (!key) throw new Error("the state bucket must be SSE-KMS: its roles are granted its key");
  const aliasArn = aws.arn("kms", `alias/${lake.state.bucket}`);
  state.addToBucketPolicy({
    sid: "DenyPutsWithoutKms",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["s3:PutObject"],
    resources: [state.objectsArn()],
    condition: [
      { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
    ],
  });
  state.addToBucketPolicy({
    sid: "DenyPutsWithAnotherKey",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["s3:PutObject"],
    resources: [state.objectsArn()],
    condition: [
      {
        // A put that names no key is refused too: the backend always names it (kms_key_id), nothing else writes here.
        test: "StringNotEquals",
        variable: "s3:x-amz-server-side-encryption-aws-kms-key-id",
        values: [key.arn, aliasArn],
      },
    ],
  });

  for (const name of CI_ENVIRONMENTS) {
    const env = lake.environments[name];
    const arns = stateRoleArns(lake, name, aws.partition);
    const ci = lake.github ? ciRoleArns(lake, env, aws.partition) : undefined;
    const prefix = statePrefix(lake, name);
    const scope = new Construct(stack, `state-${name}`);
    const role = (id: string, arn: string, trustedArns: readonly string[]) => {
      if (trustedArns.length === 0)
        throw new Error(
          `state role ${arn.split("/").pop()} would be trusted by no one: list environment "${name}"'s deployer roles in state.deployers.${name}, or add a github block for its CI roles`,
        );
      const accounts = [...new Set(trustedArns.map((a) => a.split(":")[4] ?? ""))];
      const trust = new DataAwsIamPolicyDocument(scope, `${id}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRole", "sts:TagSession"],
            principals: [
              { type: "AWS", identifiers: accounts.map((a) => `arn:${aws.partition}:iam::${a}:root`) },
            ],
            condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: [...trustedArns] }],
          },
        ],
      });
      const created = new IamRole(scope, id, {
        name: arn.split("/").pop() ?? "",
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
      });
      return { role: created, policy: new RolePolicy(scope, `${id}-policy`, { role: created }) };
    };

    const deployers = lake.state.deployers[name] ?? [];
    const readWrite = role("role", arns.state, [...deployers, ...(ci ? [ci.apply] : [])]);
    state.grantRead(readWrite.policy, prefix);
    state.grantWrite(readWrite.policy, prefix);
    // `<key>.tflock` is deleted when the lock is released; the state itself is never deleted (a versioned bucket).
    readWrite.policy.addStatements({
      actions: ["s3:DeleteObject"],
      resources: [state.objectsArn(`${prefix}*.tflock`)],
    });
    new TerraformOutput(stack, `state_${name}_role_arn`, { value: readWrite.role.arn });
    // By name, not by reference: a condition needs no existing role, and the ARN is the one CI and the backend use.
    const reachers = [arns.state];
    if (ci) {
      const readOnly = role("plan-role", arns.statePlan, [ci.plan]);
      state.grantRead(readOnly.policy, prefix);
      new TerraformOutput(stack, `state_${name}_plan_role_arn`, { value: readOnly.role.arn });
      reachers.push(arns.statePlan);
    }
    state.addToBucketPolicy({
      sid: `Deny${name[0]?.toUpperCase()}${name.slice(1)}StateToOthers`,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      // A deny must cover every object action, or the ones not named stay open to the account's other roles.
      actions: ["s3:*"],
      resources: [state.objectsArn(prefix)],
      condition: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: reachers }],
    });
  }
}
