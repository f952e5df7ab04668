import type { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, type TerraformStack } from "cdktf";
import type { AwsContext } from "../../modules/aws-context/index.js";
import { GithubCiRoles } from "../../modules/github-ci-roles/index.js";
import type { EnvironmentConfig, GithubConfig, LakeConfig } from "../config/types.js";
import { awsProviderConfig, stateRoleArns } from "./aws-provider.js";
import { roleBoundaryArn } from "./role-boundary.js";

/** The environments CI plans and applies; `local` is moto and needs no role. */
export const CI_ENVIRONMENTS = ["test", "sandbox"] as const;
export type CiEnvironment = (typeof CI_ENVIRONMENTS)[number];

/** The names of an environment's CI roles in its deploy account. */
export function ciRoleNames(env: EnvironmentConfig) {
  return { plan: `${env.prefix}-github-plan`, apply: `${env.prefix}-github-apply` };
}

/**
 * The role names CI assumes; the workflows read them through `src/guard/ci-env.ts`, so names live in one place.
 * `statePlan` and `stateApply` are the environment's state roles in the state account (`stateRoleArns`): the plan
 * role's reads its state only, the apply role's reads and writes it and takes its lock.
 */
export function ciRoleArns(lake: LakeConfig, env: EnvironmentConfig, partition = "aws") {
  const state = stateRoleArns(lake, env.name, partition);
  const names = ciRoleNames(env);
  return {
    plan: `arn:${partition}:iam::${env.accountId}:role/${names.plan}`,
    apply: `arn:${partition}:iam::${env.accountId}:role/${names.apply}`,
    statePlan: state.statePlan,
    stateApply: state.state,
  };
}

export interface GithubCiProps {
  readonly lake: LakeConfig;
  readonly github: GithubConfig;
  /** The bootstrap stack's context (partition, DNS suffix). */
  readonly aws: AwsContext;
}

/**
 * Per deploy account: GitHub's OIDC provider (once per account), and per environment a read-only plan role and an
 * apply role, each trusting only this repository (modules/github-ci-roles). Each account is reached through its own
 * aliased provider with that environment's credentials, so one `make tf/bootstrap` sets up every account.
 */
export function buildGithubCi(stack: TerraformStack, props: GithubCiProps): void {
  const { lake, github, aws } = props;
  const oidcProviders = new Map<string, IamOpenidConnectProvider>();
  for (const name of CI_ENVIRONMENTS) {
    const env = lake.environments[name];
    const state = stateRoleArns(lake, name, aws.partition);
    // The provider is created in the stack, just before the roles' scope, so the providers keep their order; its
    // construct id is in no Terraform address (a provider is addressed by its alias).
    const provider = new AwsProvider(stack, `github-${name}-aws`, {
      ...awsProviderConfig(env),
      alias: `github-${name}`,
    });
    const oidcProvider = oidcProviders.get(env.accountId);
    // The account id is pinned by the provider's allowed_account_ids, so ARNs may use the configured one.
    const ci = new GithubCiRoles(stack, `github-${name}`, {
      context: aws,
      provider,
      ...(oidcProvider ? { oidcProvider } : {}),
      repository: `${github.owner}/${github.repo}`,
      environment: name,
      accountId: env.accountId,
      region: env.region,
      resourcePrefix: env.prefix,
      roleNames: ciRoleNames(env),
      stateRoleArns: { plan: state.statePlan, apply: state.state },
      roleBoundaryArn: roleBoundaryArn(aws.partition),
      passRoleServices: PASS_ROLE_SERVICES,
    });
    oidcProviders.set(env.accountId, ci.oidcProvider);
    new TerraformOutput(stack, `github_${name}_plan_role_arn`, { value: ci.plan.arn });
    new TerraformOutput(stack, `github_${name}_apply_role_arn`, { value: ci.apply.arn });
  }
}

/**
 * The services the lake hands its roles to: every service principal a lake role trusts, with every feature on (a
 * test checks that against the synthesized stacks).
 */
export const PASS_ROLE_SERVICES = [
  "lambda",
  "scheduler",
  "glue",
  "states",
  "firehose",
  "redshift",
  "redshift-serverless",
  "quicksight",
  "sagemaker",
  "events",
  "lakeformation",
  "vpc-flow-logs",
];
