import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { maskHashes, type StackJson, synthApp } from "../testing/synth.js";
import { ciRoleArns } from "./github-ci.js";

type Statement = {
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};

let bootstrap: StackJson;

beforeAll(async () => {
  const synth = await synthApp({ environments: ["test", "sandbox"] });
  bootstrap = maskHashes(synth.stacks["bootstrap"] as StackJson);
});

const byName = (type: string) =>
  Object.fromEntries(
    Object.entries(bootstrap.resource[type] ?? {}).map(([id, body]) => [String(body["name"] ?? id), body]),
  );
const documents = () => bootstrap.data?.["aws_iam_policy_document"] ?? {};
const documentFor = (ref: unknown) => {
  const id = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(ref))?.[1] ?? "";
  return (documents()[id]?.["statement"] ?? []) as Statement[];
};

describe("ciRoleArns", () => {
  it("names the CI roles after the environment's prefix, and the state plan role after the state role", () => {
    const lake = loadConfig({ env: {} });

    expect(ciRoleArns(lake, lake.environments.sandbox)).toEqual({
      plan: "arn:aws:iam::222222222222:role/event-lake-sandbox-github-plan",
      apply: "arn:aws:iam::222222222222:role/event-lake-sandbox-github-apply",
      statePlan: "arn:aws:iam::111111111111:role/event-lake-tfstate-plan",
      stateApply: "arn:aws:iam::111111111111:role/event-lake-tfstate",
    });
  });
});

describe("the bootstrap stack's GitHub CI roles", () => {
  it("reaches each deploy account through its own aliased provider, pinned to that account", () => {
    const providers = bootstrap.provider.aws.map((p) => [
      p["alias"] ?? "(default)",
      p["allowed_account_ids"],
    ]);

    expect(providers).toEqual([
      ["(default)", ["111111111111"]],
      ["github-test", ["111111111111"]],
      ["github-sandbox", ["222222222222"]],
    ]);
  });

  it("creates GitHub's OIDC provider once per account, for the STS audience", () => {
    const oidc = Object.values(bootstrap.resource["aws_iam_openid_connect_provider"] ?? {});

    expect(oidc.map((o) => [o["provider"], o["url"], o["client_id_list"]]).sort()).toEqual([
      [
        "aws.github-sandbox",
        "https://token.actions.githubusercontent.com",
        ["sts.${data.aws_partition.context_partition.dns_suffix}"],
      ],
      [
        "aws.github-test",
        "https://token.actions.githubusercontent.com",
        ["sts.${data.aws_partition.context_partition.dns_suffix}"],
      ],
    ]);
  });

  it("lets only pull requests and main of this repository assume the plan role; only its environment the apply role", () => {
    const roles = byName("aws_iam_role");
    const subjects = (name: string) =>
      documentFor(roles[name]?.["assume_role_policy"])
        .flatMap((s) => s.condition ?? [])
        .filter((c) => c.variable.endsWith(":sub"))
        .flatMap((c) => [c.test, ...c.values]);

    expect(subjects("event-lake-test-github-plan")).toEqual([
      "StringEquals",
      "repo:data-platform/event-lake:pull_request",
      "repo:data-platform/event-lake:ref:refs/heads/main",
    ]);
    expect(subjects("event-lake-sandbox-github-apply")).toEqual([
      "StringEquals",
      "repo:data-platform/event-lake:environment:sandbox",
    ]);
    expect(roles["event-lake-sandbox-github-apply"]?.["provider"]).toBe("aws.github-sandbox");
  });

  it("lets a CI role assume itself only by its exact ARN (the provider's assume_role in CI)", () => {
    const trust = documentFor(byName("aws_iam_role")["event-lake-test-github-apply"]?.["assume_role_policy"]);

    expect(trust[1]).toEqual({
      actions: ["sts:AssumeRole"],
      principals: [
        {
          type: "AWS",
          identifiers: ["arn:${data.aws_partition.context_partition.partition}:iam::111111111111:root"],
        },
      ],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:PrincipalArn",
          values: [
            "arn:${data.aws_partition.context_partition.partition}:iam::111111111111:role/event-lake-test-github-apply",
          ],
        },
      ],
    });
  });

  it("attaches ReadOnlyAccess to plan roles and PowerUserAccess to apply roles, never AdministratorAccess", () => {
    const attachments = Object.values(bootstrap.resource["aws_iam_role_policy_attachment"] ?? {}).map((a) =>
      [a["provider"], String(a["policy_arn"]).split("/").pop()].join(" "),
    );

    expect(attachments.sort()).toEqual([
      "aws.github-sandbox PowerUserAccess",
      "aws.github-sandbox ReadOnlyAccess",
      "aws.github-test PowerUserAccess",
      "aws.github-test ReadOnlyAccess",
    ]);
  });

  it("denies plan roles the lake's data: objects, table items and queue messages", () => {
    const policy = Object.values(bootstrap.resource["aws_iam_role_policy"] ?? {}).find(
      (p) => p["provider"] === "aws.github-sandbox" && String(p["role"]).includes("plan-role"),
    );
    const denied = documentFor(policy?.["policy"])
      .filter((s) => s.effect === "Deny")
      .map((s) => [s.actions?.join(","), s.resources?.[0]]);

    expect(denied).toEqual([
      [
        "s3:GetObject,s3:GetObjectVersion",
        "arn:${data.aws_partition.context_partition.partition}:s3:::event-lake-sandbox-*/*",
      ],
      [
        "dynamodb:GetItem,dynamodb:BatchGetItem,dynamodb:Query,dynamodb:Scan",
        "arn:${data.aws_partition.context_partition.partition}:dynamodb:eu-west-1:222222222222:table/event-lake-sandbox-*",
      ],
      [
        "sqs:ReceiveMessage",
        "arn:${data.aws_partition.context_partition.partition}:sqs:eu-west-1:222222222222:event-lake-sandbox-*",
      ],
    ]);
  });

  it("gives the state plan role lock files to write, and trusts only the plan roles", () => {
    const role = byName("aws_iam_role")["event-lake-tfstate-plan"];
    const trust = documentFor(role?.["assume_role_policy"]);
    const policy = Object.values(bootstrap.resource["aws_iam_role_policy"] ?? {}).find((p) =>
      String(p["role"]).includes("state-plan-role"),
    );
    const writes = documentFor(policy?.["policy"]).filter((s) => s.actions?.includes("s3:PutObject"));

    expect(trust[0]?.condition?.[0]?.values.map((v) => v.split(":").slice(4).join(":"))).toEqual([
      "111111111111:role/event-lake-test-github-plan",
      "222222222222:role/event-lake-sandbox-github-plan",
    ]);
    expect(writes.map((s) => s.resources)).toEqual([
      ["${aws_s3_bucket.state_bucket.arn}/event-lake/*.tflock*"],
    ]);
  });
});

describe("the apply role's iam:PassRole", () => {
  it("covers every service a lake role trusts, with every feature on", async () => {
    const { synthApp } = await import("../testing/synth.js");
    const { PASS_ROLE_SERVICES } = await import("./github-ci.js");
    const features = [
      "NAT_GATEWAY",
      "LAMBDAS_IN_VPC",
      "QUICKSIGHT_ATHENA",
      "QUICKSIGHT_REDSHIFT",
      "SAGEMAKER",
    ];
    const { stacks } = await synthApp({
      environments: ["test"],
      env: Object.fromEntries(
        [...features, "LAKE_FORMATION"].map((f) => [`EVENT_LAKE_TEST_FEATURES_${f}`, "true"]),
      ),
    });
    const documents = Object.values(stacks["test"]?.data?.["aws_iam_policy_document"] ?? {});
    const trusted = new Set<string>();
    for (const doc of documents)
      for (const st of (doc["statement"] ?? []) as {
        actions?: string[];
        principals?: { type: string; identifiers: string[] }[];
      }[])
        if (st.actions?.includes("sts:AssumeRole"))
          for (const p of st.principals ?? [])
            if (p.type === "Service") for (const id of p.identifiers) trusted.add(id.split(".")[0] ?? id);

    expect(trusted.size).toBeGreaterThan(5);
    expect([...trusted].filter((service) => !PASS_ROLE_SERVICES.includes(service)).sort()).toEqual([]);
  }, 60_000);
});

describe("the apply role's IAM: only on roles that carry the lake's boundary", () => {
  const boundary = "arn:aws:iam::aws:policy/PowerUserAccess";
  const lakeRole = "arn:aws:iam::111111111111:role/event-lake-test-drop-to-raw";
  let allows: (action: string, resource: string, context?: Record<string, string>) => boolean;

  beforeAll(async () => {
    const { PolicyEvaluator } = await import("../../modules/personas/policy-evaluator.js");
    const evaluator = new PolicyEvaluator(bootstrap, {
      partition: "aws",
      region: "eu-west-1",
      account: "111111111111",
    });
    allows = (action, resource, context) =>
      evaluator.allows("github-test/apply-role", { action, resource, ...(context ? { context } : {}) });
  });

  it("creates and changes a lake role's permissions only with the boundary", () => {
    const bounded = { "iam:PermissionsBoundary": boundary };

    for (const action of [
      "iam:CreateRole",
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:DetachRolePolicy",
    ]) {
      expect(allows(action, lakeRole, bounded), action).toBe(true);
      expect(allows(action, lakeRole), `${action} without a boundary`).toBe(false);
      expect(
        allows(action, lakeRole, {
          "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
        `${action} with another boundary`,
      ).toBe(false);
    }
    expect(allows("iam:PutRolePermissionsBoundary", lakeRole, bounded)).toBe(true);
    expect(allows("iam:DeleteRolePermissionsBoundary", lakeRole, bounded)).toBe(false);
    expect(allows("iam:UpdateAssumeRolePolicy", lakeRole)).toBe(true);
    expect(allows("iam:DeleteRole", lakeRole)).toBe(true);
  });

  it("never changes the CI roles, although their names match <prefix>-*", () => {
    const ci = ciRoleArns(loadConfig({ env: {} }), loadConfig({ env: {} }).environments.test);
    // Even a request that claims the boundary: the CI roles are denied outright.
    const bounded = { "iam:PermissionsBoundary": boundary };

    for (const role of [ci.apply, ci.plan])
      for (const action of [
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRole",
      ])
        expect(allows(action, role, bounded), `${action} on ${role}`).toBe(false);
    expect(allows("iam:GetRole", ci.apply)).toBe(true);
  });

  it("reaches no role outside the environment's prefix", () => {
    expect(
      allows("iam:CreateRole", "arn:aws:iam::111111111111:role/admin", {
        "iam:PermissionsBoundary": boundary,
      }),
    ).toBe(false);
  });
});
