import type { EnvironmentConfig } from "../config/types.js";

/**
 * Resolves the credentials Terraform will start from, and returns a one-paragraph message when there are none, so
 * `make tf/plan` without credentials says what to do instead of printing a provider stack.
 */
export async function checkCredentials(
  env: EnvironmentConfig,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  // No instance metadata on a laptop or CI runner: without this the chain waits on 169.254.169.254.
  processEnv["AWS_EC2_METADATA_DISABLED"] ??= "true";
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  const profile = env.auth.profile;
  const how = [
    profile ? `profile "${profile}"` : "the default credential chain",
    env.auth.roleArn ? `then role ${env.auth.roleArn}` : "",
  ]
    .filter((s) => s !== "")
    .join(", ");
  try {
    const provider = fromNodeProviderChain(profile ? { profile } : {});
    const credentials = await Promise.race([
      provider(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("timed out after 20 s")), 20_000).unref(),
      ),
    ]);
    if (!credentials.accessKeyId) throw new Error("no access key");
    return undefined;
  } catch (error) {
    const reason = ((error as Error).message.split("\n")[0] ?? "").trim();
    return [
      `No usable AWS credentials for ENV=${env.name} (account ${env.accountId}, ${how}): ${reason}`,
      `Set up ${profile ? `the "${profile}" profile in ~/.aws/config` : "credentials"} as the README's "Environments and credentials" section shows,`,
      `or export AWS credentials (e.g. from SSO or OIDC), then run the target again.`,
    ].join("\n");
  }
}
