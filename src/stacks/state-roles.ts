import { TerraformOutput, type TerraformStack } from "cdktf";
import type { AwsContext } from "../../modules/aws-context/index.js";
import { denyPutsWithoutKey, StateRoles } from "../../modules/state-roles/index.js";
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
 * One environment's state is reachable only through that environment's roles in the state account
 * (modules/state-roles):
 * - `<roleName>-<env>`: read and write `<keyPrefix>/<env>/*`, delete only its `.tflock` (native S3 locking); trusted
 *   by the environment's deployers (`state.deployers.<env>`) and its CI apply role, by `aws:PrincipalArn`;
 * - `<roleName>-<env>-plan` (with a `github` block): read `<keyPrefix>/<env>/*` only, trusted by its CI plan role.
 *   CI plans never take the lock (`-lock=false`, docs/delivery.md), so this role writes nothing.
 * The bucket policy backs that up for every principal, the state account's own included: an environment's keys
 * are denied to all but its state roles, and every put must be SSE-KMS with the state key.
 */
export function buildStateRoles(stack: TerraformStack, props: StateRolesProps): void {
  const { lake, aws, state } = props;
  if (!state.key) throw new Error("the state bucket must be SSE-KMS: its roles are granted its key");
  denyPutsWithoutKey(state, aws.arn("kms", `alias/${lake.state.bucket}`));

  for (const name of CI_ENVIRONMENTS) {
    const env = lake.environments[name];
    const arns = stateRoleArns(lake, name, aws.partition);
    const ci = lake.github ? ciRoleArns(lake, env, aws.partition) : undefined;
    const roleName = (arn: string) => arn.split("/").pop() ?? "";
    const deployers = lake.state.deployers[name] ?? [];
    const trusted = [...deployers, ...(ci ? [ci.apply] : [])];
    if (trusted.length === 0)
      throw new Error(
        `state role ${roleName(arns.state)} would be trusted by no one: list environment "${name}"'s deployer roles in state.deployers.${name}, or add a github block for its CI roles`,
      );
    const roles = new StateRoles(stack, `state-${name}`, {
      context: aws,
      bucket: state,
      environment: name,
      accountId: lake.state.accountId,
      keyPrefix: statePrefix(lake, name),
      readWrite: { roleName: roleName(arns.state), trustedArns: trusted },
      ...(ci ? { readOnly: { roleName: roleName(arns.statePlan), trustedArns: [ci.plan] } } : {}),
    });
    new TerraformOutput(stack, `state_${name}_role_arn`, { value: roles.readWrite.role.arn });
    if (roles.readOnly)
      new TerraformOutput(stack, `state_${name}_plan_role_arn`, { value: roles.readOnly.role.arn });
  }
}
