import type { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AwsContext } from "../aws-context/index.js";

export interface GithubCiRolesProps {
  /** Partition and DNS suffix (the STS audience, managed-policy ARNs, service principals). */
  readonly context: AwsContext;
  /** The deploy account's (aliased) provider: every resource here is created through it. */
  readonly provider: AwsProvider;
  /**
   * GitHub's OIDC provider, when the account already has one (another environment's `oidcProvider`: an account
   * holds one per issuer).
   * @default one is created for `https://token.actions.githubusercontent.com`, audience `sts.<dnsSuffix>`
   */
  readonly oidcProvider?: IamOpenidConnectProvider;
  /** `owner/repo`: only this repository's workflows may assume the roles. */
  readonly repository: string;
  /** The GitHub environment whose jobs may assume the apply role (`repo:<owner>/<repo>:environment:<name>`). */
  readonly environment: string;
  /** The deploy account; the roles' own ARNs are built with it (pin it with the provider's allowed_account_ids). */
  readonly accountId: string;
  /** The deploy region (the ARNs of the tables and queues the plan role may not read). */
  readonly region: string;
  /**
   * What every resource of the environment is named after (`<prefix>-…`): the plan role may not read `<prefix>-*`
   * objects, items or messages; the apply role manages `<prefix>-*` roles only.
   */
  readonly resourcePrefix: string;
  /** The roles' physical names. */
  readonly roleNames: { readonly plan: string; readonly apply: string };
  /**
   * The environment's Terraform state roles, by ARN (in the state account, named in the backend's config): the plan
   * role may assume `plan`, the apply role `apply`.
   */
  readonly stateRoleArns: { readonly plan: string; readonly apply: string };
  /**
   * The permissions boundary every role the apply role creates or changes must carry (`iam:PermissionsBoundary`):
   * without it, apply could mint a role more powerful than itself.
   */
  readonly roleBoundaryArn: string;
  /** The services (`lambda`, `glue`, …) the apply role may pass the environment's roles to. */
  readonly passRoleServices: readonly string[];
  /**
   * The name of each role's inline policy.
   * @default "event-lake-ci"
   */
  readonly inlinePolicyName?: string;
}
