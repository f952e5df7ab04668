import type { EnvironmentConfig } from "../config/types.js";

/** Where the state backend's credentials come from (src/stacks/aws-provider.ts: backendProfile, stateRoleArns). */
export interface BackendCredentials {
  readonly bucket: string;
  readonly accountId: string;
  /** The profile the backend starts from; undefined: the default credential chain. */
  readonly profile: string | undefined;
  /** The state role it then assumes, if any. */
  readonly roleArn?: string;
}

/**
 * Resolves the credentials Terraform will start from, for the environment's provider and for the state backend
 * (which may start from another profile: `state.profile` when no state role is set), and returns one message naming each that has none, so
 * `make tf/plan` without credentials says what to do instead of printing the provider's or the backend's raw error.
 */
export async function checkCredentials(
  env: EnvironmentConfig,
  processEnv: NodeJS.ProcessEnv = process.env,
  state?: BackendCredentials,
): Promise<string | undefined> {
  // No instance metadata on a laptop or CI runner: without this the chain waits on 169.254.169.254.
  processEnv["AWS_EC2_METADATA_DISABLED"] ??= "true";
  const profile = env.auth.profile;
  const how = [
    profile ? `profile "${profile}"` : "the default credential chain",
    env.auth.roleArn ? `then role ${env.auth.roleArn}` : "",
  ]
    .filter((s) => s !== "")
    .join(", ");
  const problems: string[] = [];
  const envReason = await credentialProblem(profile);
  if (envReason !== undefined)
    problems.push(
      `No usable AWS credentials for ENV=${env.name} (account ${env.accountId}, ${how}): ${envReason}`,
      `Set up ${profile ? `the "${profile}" profile in ~/.aws/config` : "credentials"} as docs/environments.md shows,`,
      `or export AWS credentials (e.g. from SSO or OIDC), then run the target again.`,
    );
  // The backend starts from its own profile; checked apart only when it is another one than the provider's.
  if (state !== undefined && state.profile !== profile) {
    const stateReason = await credentialProblem(state.profile);
    if (stateReason !== undefined)
      problems.push(
        `No usable AWS credentials for the state backend (bucket ${state.bucket}, account ${state.accountId}, ${state.profile ? `profile "${state.profile}"` : "the default credential chain"}${state.roleArn ? `, then role ${state.roleArn}` : ""}): ${stateReason}`,
        `Set up ${state.profile ? `the "${state.profile}" profile in ~/.aws/config` : "credentials"}, or point state.profile (EVENT_LAKE_STATE_PROFILE) at a profile that can assume the state role, then run the target again.`,
      );
  }
  return problems.length > 0 ? problems.join("\n") : undefined;
}

/** Why no credentials come from this profile (or the default chain), in one line; undefined when they do. */
async function credentialProblem(profile: string | undefined): Promise<string | undefined> {
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  try {
    const provider = fromNodeProviderChain(profile ? { profile } : {});
    const credentials = await Promise.race([
      provider(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("timed out after 20 s")), 20_000).unref(),
      ),
    ]);
    if (!credentials.accessKeyId) return "no access key";
    return undefined;
  } catch (error) {
    return ((error as Error).message.split("\n")[0] ?? "").trim();
  }
}
