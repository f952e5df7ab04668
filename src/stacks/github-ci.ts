import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AwsContext } from "../../modules/aws-context/index.js";
import type { EnvironmentConfig, GithubConfig, LakeConfig } from "../config/types.js";
import { awsProviderConfig, stateRoleArns } from "./aws-provider.js";
import { roleBoundaryArn } from "./role-boundary.js";

/** The environments CI plans and applies; `local` is moto and needs no role. */
export const CI_ENVIRONMENTS = ["test", "sandbox"] as const;
export type CiEnvironment = (typeof CI_ENVIRONMENTS)[number];

/** GitHub's OIDC issuer (without the scheme it is also the prefix of its condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * The role names CI assumes; the workflows read them through `src/guard/ci-env.ts`, so names live in one place.
 * `statePlan` and `stateApply` are the environment's state roles in the state account (`stateRoleArns`): the plan
 * role's reads its state only, the apply role's reads and writes it and takes its lock.
 */
export function ciRoleArns(lake: LakeConfig, env: EnvironmentConfig, partition = "aws") {
  const state = stateRoleArns(lake, env.name, partition);
  return {
    plan: `arn:${partition}:iam::${env.accountId}:role/${env.prefix}-github-plan`,
    apply: `arn:${partition}:iam::${env.accountId}:role/${env.prefix}-github-apply`,
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
 * apply role, each trusting only this repository. Each account is reached through its own aliased provider with
 * that environment's credentials, so one `make tf/bootstrap` sets up every account.
 */
export function buildGithubCi(stack: TerraformStack, props: GithubCiProps): void {
  const { lake, github, aws } = props;
  const repo = `repo:${github.owner}/${github.repo}`;
  const oidcProviders = new Map<string, IamOpenidConnectProvider>();
  for (const name of CI_ENVIRONMENTS) {
    const env = lake.environments[name];
    const arns = ciRoleArns(lake, env, aws.partition);
    const scope = new Construct(stack, `github-${name}`);
    // The account id is pinned by the provider's allowed_account_ids, so ARNs may use the configured one.
    const provider = new AwsProvider(scope, "aws", { ...awsProviderConfig(env), alias: `github-${name}` });
    let oidc = oidcProviders.get(env.accountId);
    if (!oidc) {
      oidc = new IamOpenidConnectProvider(scope, "oidc-provider", {
        provider,
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [`sts.${aws.dnsSuffix}`],
      });
      oidcProviders.set(env.accountId, oidc);
    }
    const role = (kind: "plan" | "apply", subjects: string[], managedPolicy: string) => {
      const arn = arns[kind];
      const trust = new DataAwsIamPolicyDocument(scope, `${kind}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [oidc.arn] }],
            condition: [
              {
                test: "StringEquals",
                variable: `${GITHUB_OIDC_HOST}:aud`,
                values: [`sts.${aws.dnsSuffix}`],
              },
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: subjects },
            ],
          },
          {
            // CI's AWS profile (src/guard/ci-env.ts) assumes the role the job already holds; a role may assume
            // itself only when its trust policy says so.
            actions: ["sts:AssumeRole"],
            principals: [{ type: "AWS", identifiers: [`arn:${aws.partition}:iam::${env.accountId}:root`] }],
            condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [arn] }],
          },
        ],
      });
      const created = new IamRole(scope, `${kind}-role`, {
        provider,
        name: arn.split("/").pop() ?? "",
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
      });
      new IamRolePolicyAttachment(scope, `${kind}-managed-policy`, {
        provider,
        role: created.name,
        policyArn: `arn:${aws.partition}:iam::aws:policy/${managedPolicy}`,
      });
      return created;
    };

    // Plan: ReadOnlyAccess, since `terraform plan` refreshes every resource type the stack has and AWS keeps that
    // policy complete as services add read calls; it grants no write and no kms:Decrypt. Reading lake data is denied.
    const plan = role("plan", [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`], "ReadOnlyAccess");
    inlinePolicy(scope, "plan", plan, provider, [
      { actions: ["sts:AssumeRole"], resources: [arns.plan, arns.statePlan] },
      {
        effect: "Deny",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [`arn:${aws.partition}:s3:::${env.prefix}-*/*`],
      },
      {
        effect: "Deny",
        actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"],
        resources: [`arn:${aws.partition}:dynamodb:${env.region}:${env.accountId}:table/${env.prefix}-*`],
      },
      {
        // Receiving changes a message's visibility: not a read.
        effect: "Deny",
        actions: ["sqs:ReceiveMessage"],
        resources: [`arn:${aws.partition}:sqs:${env.region}:${env.accountId}:${env.prefix}-*`],
      },
    ]);

    // Apply: PowerUserAccess (every service the stack uses, no IAM, no Organizations), plus IAM on the
    // environment's own roles only: the roles the lake creates are all named `<prefix>-…`, and it creates no managed
    // policy. What a role may do is set or changed only on roles that carry the lake's boundary (role-boundary.ts),
    // so apply cannot create a role with more than PowerUserAccess, and cannot touch the CI roles (which match
    // `<prefix>-*` but have no boundary) to grow its own powers. Who may assume a role: IAM has no condition key on
    // a trust policy's content, so apply may never change one (UpdateAssumeRolePolicy is denied; a person applies
    // a trust change), and CreateRole's trust is the residual risk docs/delivery.md describes.
    const apply = role("apply", [`${repo}:environment:${name}`], "PowerUserAccess");
    const ownRoles = `arn:${aws.partition}:iam::${env.accountId}:role/${env.prefix}-*`;
    inlinePolicy(scope, "apply", apply, provider, [
      { actions: ["sts:AssumeRole"], resources: [arns.apply, arns.stateApply] },
      { actions: IAM_APPLY_ACTIONS, resources: [ownRoles] },
      {
        actions: IAM_BOUNDED_ROLE_ACTIONS,
        resources: [ownRoles],
        condition: [
          {
            test: "StringEquals",
            variable: "iam:PermissionsBoundary",
            values: [roleBoundaryArn(aws.partition)],
          },
        ],
      },
      {
        // On every role and policy of the account: no trust change, no managed policy written by CI.
        effect: "Deny",
        actions: IAM_NEVER_BY_CI,
        resources: [
          `arn:${aws.partition}:iam::${env.accountId}:role/*`,
          `arn:${aws.partition}:iam::${env.accountId}:policy/*`,
        ],
      },
      {
        effect: "Deny",
        actions: [...IAM_BOUNDED_ROLE_ACTIONS, ...IAM_ROLE_CHANGES, "iam:DeleteRolePermissionsBoundary"],
        resources: [arns.plan, arns.apply],
      },
      {
        actions: ["iam:PassRole"],
        resources: [ownRoles],
        condition: [
          {
            test: "StringEquals",
            variable: "iam:PassedToService",
            values: PASS_ROLE_SERVICES.map((s) => aws.servicePrincipal(s)),
          },
        ],
      },
    ]);
    new TerraformOutput(stack, `github_${name}_plan_role_arn`, { value: plan.arn });
    new TerraformOutput(stack, `github_${name}_apply_role_arn`, { value: apply.arn });
  }
}

function inlinePolicy(
  scope: Construct,
  kind: string,
  role: IamRole,
  provider: AwsProvider,
  statement: DataAwsIamPolicyDocumentStatement[],
): void {
  const document = new DataAwsIamPolicyDocument(scope, `${kind}-policy-document`, { statement });
  new IamRolePolicy(scope, `${kind}-policy`, {
    provider,
    name: "event-lake-ci",
    role: role.name,
    policy: document.json,
  });
}

/**
 * What `terraform apply` does to the lake's own roles, besides setting what a role may do or who may assume it: read
 * and tag roles, change their settings, delete them.
 */
const IAM_ROLE_CHANGES = ["iam:DeleteRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole"];
const IAM_APPLY_ACTIONS = [
  "iam:GetRole",
  ...IAM_ROLE_CHANGES,
  "iam:ListRoleTags",
  "iam:GetRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
];

/**
 * Never by CI, on any role or policy: changing who may assume a role (IAM offers no condition key on the trust
 * policy's content, so it cannot be limited to this account), and writing managed policies (the lake creates none;
 * a new version of one attached elsewhere would change permissions no boundary holds).
 */
export const IAM_NEVER_BY_CI = [
  "iam:UpdateAssumeRolePolicy",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
];

/**
 * What sets a role's permissions: allowed to apply only while `iam:PermissionsBoundary` (the boundary the role has,
 * or is being given) is the lake's. Removing the boundary is never allowed.
 */
const IAM_BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
];

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
