import { writeFileSync } from "node:fs";
import { loadConfig } from "../config/index.js";
import type { LakeConfig } from "../config/types.js";
import { CI_ENVIRONMENTS, type CiEnvironment, ciRoleArns } from "../stacks/github-ci.js";

export type CiRoleKind = "plan" | "apply";

/** The AWS profiles CI synthesizes into the provider and the backend. Same names in plan and apply jobs. */
export const CI_PROFILE = "event-lake-ci";
export const CI_STATE_PROFILE = "event-lake-ci-state";

/**
 * What a workflow job needs to reach one environment with GitHub OIDC.
 *
 * A saved plan carries the provider and backend configuration it was made with, role ARNs included, and
 * `terraform apply tfplan` uses exactly that. So CI must not synthesize role ARNs: a plan made by the read-only role
 * would then be applied through the read-only role. Instead the stack names two profiles, and each job writes them
 * for the role it holds (`credential_source = Environment`: the OIDC credentials aws-actions/configure-aws-credentials
 * exported). The plan job's profiles lead to the plan roles, the apply job's to the apply roles; the saved plan does
 * not change between them. Role names come from the bootstrap stack, so they cannot drift from what it creates.
 */
export function ciEnvironment(
  lake: LakeConfig,
  name: CiEnvironment,
  kind: CiRoleKind,
  awsConfigFile: string,
): { env: Record<string, string>; awsConfig: string } {
  const arns = ciRoleArns(lake, lake.environments[name]);
  const upper = name.toUpperCase();
  const role = arns[kind];
  const stateRole = kind === "plan" ? arns.statePlan : arns.stateApply;
  const profile = (profileName: string, roleArn: string) =>
    [
      `[profile ${profileName}]`,
      `role_arn = ${roleArn}`,
      "credential_source = Environment",
      `role_session_name = ${profileName}-${name}`,
    ].join("\n");
  return {
    env: {
      CI_ROLE_ARN: role,
      AWS_REGION: lake.environments[name].region,
      AWS_CONFIG_FILE: awsConfigFile,
      [`EVENT_LAKE_${upper}_AUTH_PROFILE`]: CI_PROFILE,
      [`EVENT_LAKE_${upper}_AUTH_ROLE_ARN`]: "",
      EVENT_LAKE_STATE_PROFILE: CI_STATE_PROFILE,
      EVENT_LAKE_STATE_ROLE_NAME: "",
    },
    awsConfig: `${profile(CI_PROFILE, role)}\n\n${profile(CI_STATE_PROFILE, stateRole)}\n`,
  };
}

export const CI_ENV_USAGE = `usage: node --import tsx src/cli/ci-env.ts ${CI_ENVIRONMENTS.join("|")} plan|apply AWS_CONFIG_FILE`;

/** Writes the AWS config file and prints KEY=VALUE lines for $GITHUB_ENV. */
export function ciEnvCommand(
  argv: readonly string[],
  print: (line: string) => void,
  lake: LakeConfig = loadConfig(),
): number {
  const [name, kind, file] = argv;
  if (!CI_ENVIRONMENTS.includes(name as CiEnvironment) || (kind !== "plan" && kind !== "apply") || !file) {
    print(CI_ENV_USAGE);
    return 2;
  }
  const { env, awsConfig } = ciEnvironment(lake, name as CiEnvironment, kind, file);
  writeFileSync(file, awsConfig);
  for (const [key, value] of Object.entries(env)) print(`${key}=${value}`);
  return 0;
}
