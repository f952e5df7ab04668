import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { GithubCiRolesProps } from "./github-ci-roles-props.js";

export const GITHUB_CI_ROLES_DEFAULTS = { inlinePolicyName: "event-lake-ci" } as const;

/** GitHub's OIDC issuer (without the scheme it is also the prefix of its condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * One environment's CI roles in its deploy account, each trusting only one repository through GitHub's OIDC
 * provider (created here unless the account already has it):
 * - `plan`: ReadOnlyAccess, for pull requests and the main branch. `terraform plan` refreshes every resource type
 *   the stack has, and AWS keeps that policy complete as services add read calls; it grants no write and no
 *   kms:Decrypt. Reading the environment's data (objects, items, messages) is denied.
 * - `apply`: PowerUserAccess, for the repository's GitHub environment only, plus IAM on the environment's own roles,
 *   and only while they carry the given permissions boundary.
 * Each may assume itself (CI's AWS profile assumes the role the job holds) and the environment's state role.
 */
export class GithubCiRoles extends Construct {
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly plan: IamRole;
  readonly apply: IamRole;

  constructor(scope: Construct, id: string, props: GithubCiRolesProps) {
    super(scope, id);
    const { context, provider, accountId, region, resourcePrefix: prefix } = props;
    const partition = context.partition;
    const roleArn = (name: string) => `arn:${partition}:iam::${accountId}:role/${name}`;
    const arns = { plan: roleArn(props.roleNames.plan), apply: roleArn(props.roleNames.apply) };
    const repo = `repo:${props.repository}`;

    this.oidcProvider =
      props.oidcProvider ??
      new IamOpenidConnectProvider(this, "oidc-provider", {
        provider,
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [`sts.${context.dnsSuffix}`],
      });
    const oidc = this.oidcProvider;

    const role = (kind: "plan" | "apply", subjects: string[], managedPolicy: string) => {
      const arn = arns[kind];
      const trust = new DataAwsIamPolicyDocument(this, `${kind}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [oidc.arn] }],
            condition: [
              {
                test: "StringEquals",
                variable: `${GITHUB_OIDC_HOST}:aud`,
                values: [`sts.${context.dnsSuffix}`],
              },
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: subjects },
            ],
          },
          {
            // CI's AWS profile assumes the role the job already holds; a role may assume itself only when its trust
            // policy says so.
            actions: ["sts:AssumeRole"],
            principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
            condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [arn] }],
          },
        ],
      });
      const created = new IamRole(this, `${kind}-role`, {
        provider,
        name: props.roleNames[kind],
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
      });
      new IamRolePolicyAttachment(this, `${kind}-managed-policy`, {
        provider,
        role: created.name,
        policyArn: `arn:${partition}:iam::aws:policy/${managedPolicy}`,
      });
      return created;
    };
    const inlinePolicy = (kind: string, on: IamRole, statement: DataAwsIamPolicyDocumentStatement[]) => {
      const document = new DataAwsIamPolicyDocument(this, `${kind}-policy-document`, { statement });
      new IamRolePolicy(this, `${kind}-policy`, {
        provider,
        name: props.inlinePolicyName ?? GITHUB_CI_ROLES_DEFAULTS.inlinePolicyName,
        role: on.name,
        policy: document.json,
      });
    };

    // Plan: reads everything but the environment's data.
    this.plan = role("plan", [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`], "ReadOnlyAccess");
    inlinePolicy("plan", this.plan, [
      { actions: ["sts:AssumeRole"], resources: [arns.plan, props.stateRoleArns.plan] },
      {
        effect: "Deny",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [`arn:${partition}:s3:::${prefix}-*/*`],
      },
      {
        effect: "Deny",
        actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"],
        resources: [`arn:${partition}:dynamodb:${region}:${accountId}:table/${prefix}-*`],
      },
      {
        // Receiving changes a message's visibility: not a read.
        effect: "Deny",
        actions: ["sqs:ReceiveMessage"],
        resources: [`arn:${partition}:sqs:${region}:${accountId}:${prefix}-*`],
      },
    ]);

    // Apply: PowerUserAccess (every service, no IAM, no Organizations), plus IAM on the environment's own roles
    // (`<prefix>-…`; no managed policy). What a role may do is set or changed only on roles that carry the boundary,
    // so apply cannot create a role with more than the boundary allows, and cannot touch the CI roles (which match
    // `<prefix>-*` but have no boundary) to grow its own powers. Who may assume a role: IAM has no condition key on
    // a trust policy's content, so apply may never change one (UpdateAssumeRolePolicy is denied; a person applies
    // a trust change), and CreateRole's trust is the residual risk.
    this.apply = role("apply", [`${repo}:environment:${props.environment}`], "PowerUserAccess");
    const ownRoles = `arn:${partition}:iam::${accountId}:role/${prefix}-*`;
    inlinePolicy("apply", this.apply, [
      { actions: ["sts:AssumeRole"], resources: [arns.apply, props.stateRoleArns.apply] },
      { actions: IAM_APPLY_ACTIONS, resources: [ownRoles] },
      {
        actions: IAM_BOUNDED_ROLE_ACTIONS,
        resources: [ownRoles],
        condition: [
          { test: "StringEquals", variable: "iam:PermissionsBoundary", values: [props.roleBoundaryArn] },
        ],
      },
      {
        // On every role and policy of the account: no trust change, no managed policy written by CI.
        effect: "Deny",
        actions: IAM_NEVER_BY_CI,
        resources: [
          `arn:${partition}:iam::${accountId}:role/*`,
          `arn:${partition}:iam::${accountId}:policy/*`,
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
            values: props.passRoleServices.map((s) => context.servicePrincipal(s)),
          },
        ],
      },
    ]);
  }
}

/**
 * What `terraform apply` does to the environment's own roles, besides setting what a role may do or who may assume
 * it: read and tag roles, change their settings, delete them.
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
 * policy's content, so it cannot be limited to this account), and writing managed policies (a new version of one
 * attached elsewhere would change permissions no boundary holds).
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
 * or is being given) is the given one. Removing the boundary is never allowed.
 */
const IAM_BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
];
