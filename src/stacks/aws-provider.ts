import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig, LakeConfig } from "../config/types.js";
import { LOCAL_ENDPOINT_SERVICES } from "../local/compat.js";

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

/**
 * test and sandbox keep their state in the shared bucket, with native S3 locking and the backend's own role;
 * local keeps it on disk next to moto's bookkeeping.
 */
export function addBackend(stack: TerraformStack, lake: LakeConfig, env: EnvironmentConfig): void {
  if (env.stateDir !== undefined) {
    new LocalBackend(stack, { path: `${env.stateDir}/terraform.tfstate` });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: lake.state.bucket,
    key: stateKey(lake, env.name),
    region: lake.state.region,
    encrypt: true,
    profile: lake.state.profile,
    assumeRole: lake.state.roleArn
      ? { roleArn: lake.state.roleArn, sessionName: `event-lake-state-${env.name}` }
      : undefined,
  });
  // cdktf 0.21's S3Backend has no useLockfile prop yet.
  backend.addOverride("use_lockfile", true);
}
