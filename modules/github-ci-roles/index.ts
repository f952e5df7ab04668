export {
  GITHUB_CI_ROLES_DEFAULTS,
  GITHUB_OIDC_HOST,
  GithubCiRoles,
  IAM_NEVER_BY_CI,
} from "./github-ci-roles.js";
export type { GithubCiRolesProps } from "./github-ci-roles-props.js";
