import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig, LakeConfig } from "../config/types.js";
import { LOCAL_ENDPOINT_SERVICES } from "./local-compat.js";

/** What the provider needs of an environment (the bootstrap stack passes the state account's). */
export type ProviderTarget = Pick<EnvironmentConfig, "accountId" | "region" | "auth" | "tags" | "endpoint">;

/** The AWS provider for one environment: pinned to its account, authenticated its way, tagged. */
export function awsProviderConfig(env: ProviderTarget): AwsProviderConfig {
  const common: AwsProviderConfig = {
    region: env.region,
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags: { ...env.tags } }],
  };
  if (env.endpoint !== undefined) {
    const endpoint = env.endpoint;
    return {
      ...common,
      accessKey: "test",
      secretKey: "test",
      s3UsePathStyle: true,
      skipCredentialsValidation: true,
      skipMetadataApiCheck: "true",
      // Must stay false: without the account id the provider builds ARNs with an empty account.
      skipRequestingAccountId: false,
      endpoints: [Object.fromEntries(LOCAL_ENDPOINT_SERVICES.map((service) => [service, endpoint]))],
    };
  }
  return {
    ...common,
    profile: env.auth.profile,
    assumeRole: env.auth.roleArn
      ? [{ roleArn: env.auth.roleArn, sessionName: env.auth.sessionName }]
      : undefined,
  };
}

export function addAwsProvider(stack: TerraformStack, env: ProviderTarget): AwsProvider {
  return new AwsProvider(stack, "aws", awsProviderConfig(env));
}

/** `event-lake/<env>/terraform.tfstate` in the one shared bucket. */
export function stateKey(lake: LakeConfig, stackName: string): string {
  return `${lake.state.keyPrefix}/${stackName}/terraform.tfstate`;
}

/** `event-lake/<env>/`: everything of one environment's state (state, `.tflock`, workspaces) is under it. */
export function statePrefix(lake: LakeConfig, envName: string): string {
  return `${lake.state.keyPrefix}/${envName}/`;
}

/**
 * One environment's roles in the state account: `state` (read and write its state, take its lock; assumed by its
 * deployers and its CI apply role) and `statePlan` (read its state only; assumed by its CI plan role). Named
 * `<state.roleName>-<env>[-plan]`, `<project>-tfstate-…` when `state.roleName` is unset (CI's names).
 */
export function stateRoleArns(
  lake: LakeConfig,
  envName: string,
  partition = "aws",
): { readonly state: string; readonly statePlan: string } {
  const stem = lake.state.roleName ?? `${lake.project}-tfstate`;
  const arn = (name: string) => `arn:${partition}:iam::${lake.state.accountId}:role/${name}`;
  return { state: arn(`${stem}-${envName}`), statePlan: arn(`${stem}-${envName}-plan`) };
}

/**
 * The state key, by its alias (the bootstrap names it after the bucket): the backend needs a literal, and the key's
 * own id is only known once the bootstrap ran. The bucket policy admits the alias ARN and the key ARN.
 */
export function stateKeyAliasArn(lake: LakeConfig, partition = "aws"): string {
  return `arn:${partition}:kms:${lake.state.region}:${lake.state.accountId}:alias/${lake.state.bucket}`;
}

/**
 * The AWS profile the S3 backend starts from: the environment's own (`auth.profile`, its deployer) when it assumes
 * the environment's state role, else `state.profile` as it is (CI's, which itself leads to the state role). A
 * credential check before `terraform init` checks this one too.
 */
export function backendProfile(lake: LakeConfig, env: EnvironmentConfig): string | undefined {
  return lake.state.roleName !== undefined ? env.auth.profile : lake.state.profile;
}

/**
 * test and sandbox keep their state in the shared bucket, SSE-KMS with the state key, with native S3 locking;
 * local keeps it on disk next to moto's bookkeeping. With `state.roleName`, the backend starts from the
 * environment's own profile (its deployer) and assumes that environment's state role, which reaches only
 * `<keyPrefix>/<env>/`; without it, it uses `state.profile` as it is (CI: a profile that leads to the state role).
 */
export function addBackend(stack: TerraformStack, lake: LakeConfig, env: EnvironmentConfig): void {
  if (env.stateDir !== undefined) {
    new LocalBackend(stack, { path: `${env.stateDir}/terraform.tfstate` });
    return;
  }
  const roles = lake.state.roleName !== undefined ? stateRoleArns(lake, env.name) : undefined;
  const backend = new S3Backend(stack, {
    bucket: lake.state.bucket,
    key: stateKey(lake, env.name),
    region: lake.state.region,
    encrypt: true,
    kmsKeyId: stateKeyAliasArn(lake),
    // Workspaces are listed (and would be kept) under the environment's own prefix, not under `env:/`.
    workspaceKeyPrefix: `${statePrefix(lake, env.name)}workspaces`,
    profile: backendProfile(lake, env),
    assumeRole: roles ? { roleArn: roles.state, sessionName: `event-lake-state-${env.name}` } : undefined,
  });
  // cdktf 0.21's S3Backend has no useLockfile prop yet.
  backend.addOverride("use_lockfile", true);
}
