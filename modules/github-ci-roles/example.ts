import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { GithubCiRoles } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function githubCiRolesExample(scope: Construct): GithubCiRoles[] {
  const context = new AwsContext(scope, "context");
  // One aliased provider per deploy account, pinned to it.
  const provider = new AwsProvider(scope, "deploy-aws", {
    alias: "deploy",
    region: "eu-west-1",
    allowedAccountIds: ["111122223333"],
  });
  const common = {
    context,
    provider,
    repository: "acme/event-lake",
    accountId: "111122223333",
    region: "eu-west-1",
    roleBoundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess",
    passRoleServices: ["lambda", "glue", "states"],
  };
  const test = new GithubCiRoles(scope, "github-test", {
    ...common,
    environment: "test",
    resourcePrefix: "event-lake-test",
    roleNames: { plan: "event-lake-test-github-plan", apply: "event-lake-test-github-apply" },
    stateRoleArns: {
      plan: "arn:aws:iam::444455556666:role/event-lake-tfstate-test-plan",
      apply: "arn:aws:iam::444455556666:role/event-lake-tfstate-test",
    },
  });
  // A second environment in the same account shares the account's one OIDC provider.
  const sandbox = new GithubCiRoles(scope, "github-sandbox", {
    ...common,
    oidcProvider: test.oidcProvider,
    environment: "sandbox",
    resourcePrefix: "event-lake-sandbox",
    roleNames: { plan: "event-lake-sandbox-github-plan", apply: "event-lake-sandbox-github-apply" },
    stateRoleArns: {
      plan: "arn:aws:iam::444455556666:role/event-lake-tfstate-sandbox-plan",
      apply: "arn:aws:iam::444455556666:role/event-lake-tfstate-sandbox",
    },
  });
  return [test, sandbox];
}
