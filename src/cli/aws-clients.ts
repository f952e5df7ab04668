import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { EnvironmentConfig } from "../config/index.js";
import { readMoto } from "../config/moto-state.js";
import { TerraformError } from "../terraform/run.js";

/**
 * SDK client settings for an environment, as Terraform's provider reaches it: ENV=local the running moto (test
 * credentials), the others ENV's profile, then its role when it has one.
 */
export function clientConfigFor(env: EnvironmentConfig) {
  if (env.endpoint !== undefined) {
    const moto = readMoto(env.stateDir ?? ".eventlake/local");
    if (!moto) throw new TerraformError("ENV=local needs moto running: run `make local` first");
    return {
      endpoint: moto.endpoint,
      region: env.region,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    };
  }
  const source = fromNodeProviderChain(env.auth.profile ? { profile: env.auth.profile } : {});
  const credentials = env.auth.roleArn
    ? fromTemporaryCredentials({
        masterCredentials: source,
        params: { RoleArn: env.auth.roleArn, RoleSessionName: env.auth.sessionName },
        clientConfig: { region: env.region },
      })
    : source;
  return { region: env.region, credentials };
}
