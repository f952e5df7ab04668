import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "../aws-context/index.js";
import { githubCiRolesExample } from "./example.js";
import { GITHUB_CI_ROLES_DEFAULTS, GithubCiRoles, type GithubCiRolesProps } from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Block; data: Block };

const synth = (build: (stack: TerraformStack) => void): Json => {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Json;
};

function props(stack: TerraformStack, extra: Partial<GithubCiRolesProps> = {}): GithubCiRolesProps {
  return {
    context: new AwsContext(stack, "context"),
    provider: new AwsProvider(stack, "aws", { region: "eu-west-1", alias: "deploy" }),
    repository: "acme/lake",
    environment: "test",
    accountId: "111122223333",
    region: "eu-west-1",
    resourcePrefix: "lake-test",
    roleNames: { plan: "lake-test-github-plan", apply: "lake-test-github-apply" },
    stateRoleArns: {
      plan: "arn:aws:iam::444455556666:role/s-plan",
      apply: "arn:aws:iam::444455556666:role/s",
    },
    roleBoundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess",
    passRoleServices: ["lambda"],
    ...extra,
  };
}

describe("GithubCiRoles", () => {
  it("keeps its resources under <id>/, the addresses the bootstrap stack's CI roles had before this module", () => {
    const json = synth((stack) => new GithubCiRoles(stack, "github-test", props(stack)));

    expect(Object.keys(json.resource).sort()).toEqual([
      "aws_iam_openid_connect_provider",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachment",
    ]);
    expect(Object.keys(json.resource["aws_iam_role"] ?? {}).sort()).toEqual([
      "github-test_apply-role_2C887952",
      "github-test_plan-role_193C677B",
    ]);
    expect(Object.keys(json.resource["aws_iam_role_policy"] ?? {}).sort()).toEqual([
      "github-test_apply-policy_51A1D18A",
      "github-test_plan-policy_0F396020",
    ]);
    expect(Object.keys(json.resource["aws_iam_openid_connect_provider"] ?? {})).toEqual([
      "github-test_oidc-provider_2CF2599F",
    ]);
  });

  it("creates every resource through the given provider, the inline policies named event-lake-ci by default", () => {
    const json = synth((stack) => new GithubCiRoles(stack, "github-test", props(stack)));
    const resources = Object.values(json.resource).flatMap((byId) => Object.values(byId));

    expect(resources.map((r) => r["provider"])).toEqual(Array(7).fill("aws.deploy"));
    expect(GITHUB_CI_ROLES_DEFAULTS.inlinePolicyName).toBe("event-lake-ci");
    expect(Object.values(json.resource["aws_iam_role_policy"] ?? {}).map((p) => p["name"])).toEqual([
      "event-lake-ci",
      "event-lake-ci",
    ]);
    const renamed = synth(
      (stack) => new GithubCiRoles(stack, "github-test", props(stack, { inlinePolicyName: "ci" })),
    );
    expect(Object.values(renamed.resource["aws_iam_role_policy"] ?? {}).map((p) => p["name"])).toEqual([
      "ci",
      "ci",
    ]);
  });

  it("shares an account's OIDC provider: the second environment creates none and trusts the first one's", () => {
    const json = synth(githubCiRolesExample);
    const trust = (id: string) => {
      const statements = (json.data["aws_iam_policy_document"]?.[id]?.["statement"] ?? []) as {
        principals: { identifiers: string[] }[];
      }[];
      return statements[0]?.principals[0]?.identifiers;
    };

    expect(Object.keys(json.resource["aws_iam_openid_connect_provider"] ?? {})).toEqual([
      "github-test_oidc-provider_2CF2599F",
    ]);
    expect(trust("github-sandbox_apply-trust_19418426")).toEqual([
      "${aws_iam_openid_connect_provider.github-test_oidc-provider_2CF2599F.arn}",
    ]);
  });

  it("lets apply pass roles to the given services only, and create roles only with the given boundary", () => {
    const json = synth((stack) => new GithubCiRoles(stack, "github-test", props(stack)));
    const statements = json.data["aws_iam_policy_document"]?.["github-test_apply-policy-document_7D31D133"]?.[
      "statement"
    ] as { actions: string[]; condition?: { variable: string; values: string[] }[] }[];
    const conditionOf = (action: string) =>
      statements.find((s) => s.actions.includes(action) && s.condition)?.condition?.[0];

    expect(conditionOf("iam:PassRole")).toEqual({
      test: "StringEquals",
      variable: "iam:PassedToService",
      values: ["lambda.${data.aws_partition.context_partition_B73F2326.dns_suffix}"],
    });
    expect(conditionOf("iam:CreateRole")).toEqual({
      test: "StringEquals",
      variable: "iam:PermissionsBoundary",
      values: ["arn:aws:iam::aws:policy/PowerUserAccess"],
    });
  });
});
