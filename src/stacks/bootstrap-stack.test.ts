import { readFileSync } from "node:fs";
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
      statePlan: "arn:aws:iam::111111111111:role/event-lake-tfstate-sandbox-plan",
      stateApply: "arn:aws:iam::111111111111:role/event-lake-tfstate-sandbox",
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
    const { PolicyEvaluator } = await import("../testing/policy-evaluator.js");
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

describe("the apply role and trust policies", () => {
  let allows: (action: string, resource: string, context?: Record<string, string>) => boolean;

  beforeAll(async () => {
    const { PolicyEvaluator } = await import("../testing/policy-evaluator.js");
    const evaluator = new PolicyEvaluator(bootstrap, {
      partition: "aws",
      region: "eu-west-1",
      account: "222222222222",
    });
    allows = (action, resource, context) =>
      evaluator.allows("github-sandbox/apply-role", { action, resource, ...(context ? { context } : {}) });
  });

  it("cannot change a trust policy to another account: UpdateAssumeRolePolicy is denied on every role", () => {
    // IAM has no condition key on a trust policy's content, so no request context could make this conditional.
    for (const role of [
      "arn:aws:iam::222222222222:role/event-lake-sandbox-drop-to-raw",
      "arn:aws:iam::222222222222:role/event-lake-sandbox-github-apply",
      "arn:aws:iam::222222222222:role/admin",
    ])
      expect(
        allows("iam:UpdateAssumeRolePolicy", role, {
          "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/PowerUserAccess",
        }),
        role,
      ).toBe(false);
  });

  it("writes no managed policy, so no policy version can reach past the boundary", () => {
    for (const action of [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:DeletePolicyVersion",
    ])
      expect(allows(action, "arn:aws:iam::222222222222:policy/event-lake-sandbox-x"), action).toBe(false);
  });
});

describe("the state roles: each environment reaches only its own state", () => {
  const lake = loadConfig({ env: {} });
  const bucket = "${aws_s3_bucket.state_bucket.arn}";
  const keyArn = "${aws_kms_key.state_key.arn}";
  const aliasArn = "arn:aws:kms:eu-west-1:111111111111:alias/event-lake-tfstate-111111111111";
  const stateRole = (env: string, plan = false) =>
    `arn:aws:iam::111111111111:role/event-lake-tfstate-${env}${plan ? "-plan" : ""}`;
  const principals = (env: "test" | "sandbox") => {
    const ci = ciRoleArns(lake, lake.environments[env]);
    return { deployer: lake.state.deployers[env]?.[0] ?? "", plan: ci.plan, apply: ci.apply };
  };
  // What a key is touched with: the state itself, and the native lock file beside it.
  const keys = (env: string) => [
    `${bucket}/event-lake/${env}/terraform.tfstate`,
    `${bucket}/event-lake/${env}/terraform.tfstate.tflock`,
  ];
  const kms = {
    "s3:x-amz-server-side-encryption": "aws:kms",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": aliasArn,
  };
  let evaluator: import("../testing/policy-evaluator.js").PolicyEvaluator;
  /** The bucket policy's decision for `principal`. */
  const bucketPolicy = (principal: string, action: string, resource: string) =>
    evaluator.resourcePolicy("aws_s3_bucket_policy", "state/bucket-policy", {
      principal,
      action,
      resource,
      context: action === "s3:PutObject" ? kms : {},
    });
  /**
   * Whether `principal` can do `action` on `resource`: through any state role that trusts it (that role's policy
   * allows it and the bucket policy does not deny it), or directly (the state account's own roles may hold
   * PowerUserAccess, so only the bucket policy stands in their way; other accounts need the bucket policy's allow).
   */
  const reaches = (principal: string, action: string, resource: string) => {
    const viaRole = ["test", "sandbox"].some((env) =>
      [false, true].some((plan) => {
        const path = `state-${env}/${plan ? "plan-role" : "role"}`;
        return (
          evaluator.trusts(path, { principal, action: "sts:AssumeRole" }) &&
          evaluator.allows(path, { action, resource, context: action === "s3:PutObject" ? kms : {} }) &&
          bucketPolicy(stateRole(env, plan), action, resource) !== "deny"
        );
      }),
    );
    const direct = bucketPolicy(principal, action, resource);
    const sameAccount = principal.split(":")[4] === "111111111111";
    return viaRole || direct === "allow" || (sameAccount && direct === "none");
  };

  beforeAll(async () => {
    const { PolicyEvaluator } = await import("../testing/policy-evaluator.js");
    evaluator = new PolicyEvaluator(bootstrap, {
      partition: "aws",
      region: "eu-west-1",
      account: "111111111111",
    });
  });

  it("names one state role and one read-only state role per environment", () => {
    expect(
      Object.keys(byName("aws_iam_role"))
        .filter((n) => n.includes("tfstate"))
        .sort(),
    ).toEqual([
      "event-lake-tfstate-sandbox",
      "event-lake-tfstate-sandbox-plan",
      "event-lake-tfstate-test",
      "event-lake-tfstate-test-plan",
    ]);
  });

  it("trusts only the environment's own deployers and CI roles, by aws:PrincipalArn", () => {
    for (const [env, other] of [
      ["test", "sandbox"],
      ["sandbox", "test"],
    ] as const) {
      const own = principals(env);
      const theirs = principals(other);
      const trusts = (path: string, principal: string) =>
        evaluator.trusts(path, { principal, action: "sts:AssumeRole" });

      expect(trusts(`state-${env}/role`, own.deployer)).toBe(true);
      expect(trusts(`state-${env}/role`, own.apply)).toBe(true);
      expect(trusts(`state-${env}/role`, own.plan)).toBe(false);
      expect(trusts(`state-${env}/plan-role`, own.plan)).toBe(true);
      expect(trusts(`state-${env}/plan-role`, own.apply)).toBe(false);
      for (const principal of Object.values(theirs)) {
        expect(trusts(`state-${env}/role`, principal), `${principal} -> ${env}`).toBe(false);
        expect(trusts(`state-${env}/plan-role`, principal), `${principal} -> ${env} plan`).toBe(false);
      }
      // Another role of the same account is not trusted either: the account root alone is not enough.
      expect(trusts(`state-${env}/role`, own.deployer.replace("event-lake-deployer", "someone"))).toBe(false);
    }
  });

  it("lets sandbox's roles touch none of test's keys, and test's roles none of sandbox's", () => {
    for (const [env, other] of [
      ["sandbox", "test"],
      ["test", "sandbox"],
    ] as const)
      for (const principal of [...Object.values(principals(env)), stateRole(env), stateRole(env, true)])
        for (const resource of keys(other))
          for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion"])
            expect(reaches(principal, action, resource), `${principal} ${action} ${resource}`).toBe(false);
  });

  it("lets deployers and apply roles read, write and lock their own state; plan roles only read it", () => {
    for (const env of ["test", "sandbox"] as const) {
      const [state, lock] = keys(env) as [string, string];
      const { deployer, apply, plan } = principals(env);
      for (const principal of [deployer, apply]) {
        expect(reaches(principal, "s3:GetObject", state)).toBe(true);
        expect(reaches(principal, "s3:PutObject", state)).toBe(true);
        expect(reaches(principal, "s3:PutObject", lock)).toBe(true);
        expect(reaches(principal, "s3:DeleteObject", lock)).toBe(true);
        // The state is never deleted by Terraform; a versioned bucket keeps it anyway.
        expect(reaches(principal, "s3:DeleteObject", state)).toBe(false);
      }
      expect(reaches(plan, "s3:GetObject", state)).toBe(true);
      expect(reaches(plan, "s3:PutObject", lock)).toBe(false);
      expect(reaches(plan, "s3:PutObject", state)).toBe(false);
    }
  });

  it("denies every other role of the state account its keys, whatever its own policies allow", () => {
    for (const resource of [...keys("test"), ...keys("sandbox")])
      expect(
        bucketPolicy("arn:aws:iam::111111111111:role/event-lake-test-github-apply", "s3:GetObject", resource),
      ).toBe("deny");
    expect(bucketPolicy(stateRole("test"), "s3:GetObject", keys("test")[0] as string)).toBe("none");
  });

  it("refuses puts that are not SSE-KMS with the state key", () => {
    const put = (context: Record<string, string>) =>
      evaluator.resourcePolicy("aws_s3_bucket_policy", "state/bucket-policy", {
        principal: stateRole("test"),
        action: "s3:PutObject",
        resource: keys("test")[0] as string,
        context,
      });

    expect(put({})).toBe("deny");
    expect(put({ "s3:x-amz-server-side-encryption": "AES256" })).toBe("deny");
    expect(
      put({
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:111111111111:key/another",
      }),
    ).toBe("deny");
    // The backend always names the key; a put that does not is refused, whatever the bucket's default.
    expect(put({ "s3:x-amz-server-side-encryption": "aws:kms" })).toBe("deny");
    expect(put(kms)).toBe("none");
    expect(
      put({
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn,
      }),
    ).toBe("none");
  });

  it("refuses a config whose state role nobody could assume", async () => {
    const { App } = await import("cdktf");
    const { parseConfig } = await import("../config/load.js");
    const { BootstrapStack } = await import("./bootstrap-stack.js");
    const raw = JSON.parse(readFileSync("src/config/environments.json", "utf8"));
    delete raw.github;
    raw.state.deployers = { test: ["arn:aws:iam::111111111111:role/deployer"] };
    const noSandboxDeployer = parseConfig(raw);

    expect(
      () => new BootstrapStack(new App(), "bootstrap", { lake: noSandboxDeployer, stateDir: "/tmp/x" }),
    ).toThrow(
      'state role event-lake-tfstate-sandbox would be trusted by no one: list environment "sandbox"\'s deployer roles in state.deployers.sandbox, or add a github block for its CI roles',
    );
  });
});
