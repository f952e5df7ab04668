import { beforeAll, describe, expect, it } from "vitest";
import { type SynthResult, synthApp } from "../testing/synth.js";

let synth: SynthResult;
beforeAll(async () => {
  synth = await synthApp({ env: { EVENT_LAKE_LOCAL_ENDPOINT: "http://127.0.0.1:4599" } });
});

describe("one stack per environment", () => {
  it("synthesizes test, sandbox, local and the bootstrap stack", () => {
    expect(Object.keys(synth.stacks).sort()).toEqual(["bootstrap", "local", "sandbox", "test"]);
  });

  it.each(["test", "sandbox"] as const)(
    "%s keeps its state under its own key in the shared bucket, SSE-KMS with the state key, locked natively, through its own state role",
    (env) => {
      expect(synth.stacks[env]?.terraform["backend"]).toEqual({
        s3: {
          bucket: "event-lake-tfstate-111111111111",
          key: `event-lake/${env}/terraform.tfstate`,
          region: "eu-west-1",
          encrypt: true,
          kms_key_id: "arn:aws:kms:eu-west-1:111111111111:alias/event-lake-tfstate-111111111111",
          workspace_key_prefix: `event-lake/${env}/workspaces`,
          use_lockfile: true,
          // The environment's deployer assumes the environment's state role.
          profile: `${env}-datawarehouse`,
          assume_role: {
            role_arn: `arn:aws:iam::111111111111:role/event-lake-tfstate-${env}`,
            session_name: `event-lake-state-${env}`,
          },
        },
      });
    },
  );

  it("local keeps its state on disk in its state dir", () => {
    expect(synth.stacks["local"]?.terraform["backend"]).toEqual({
      local: { path: `${synth.config.environments.local.stateDir}/terraform.tfstate` },
    });
  });

  it("bootstrap keeps its own state locally: the bucket must exist before any S3 backend", () => {
    expect(synth.stacks["bootstrap"]?.terraform["backend"]).toEqual({
      local: { path: `${synth.outdir}/bootstrap-state/terraform.tfstate` },
    });
  });

  it.each([
    ["test", "111111111111", "test-datawarehouse"],
    ["sandbox", "222222222222", "sandbox-datawarehouse"],
  ] as const)(
    "%s's provider is pinned to account %s and authenticates with profile %s",
    (env, account, profile) => {
      expect(synth.stacks[env]?.provider.aws).toEqual([
        {
          region: "eu-west-1",
          allowed_account_ids: [account],
          profile,
          default_tags: [
            {
              tags: {
                Project: "event-lake",
                Environment: env,
                ManagedBy: "cdktf",
                Owner: "data-platform",
                CostCenter: "analytics",
              },
            },
          ],
        },
      ]);
    },
  );

  it("assumes the configured role when auth.roleArn is set", async () => {
    const { stacks } = await synthApp({
      environments: ["test"],
      env: {
        EVENT_LAKE_TEST_AUTH_ROLE_ARN: "arn:aws:iam::111111111111:role/event-lake-deployer",
        EVENT_LAKE_TEST_AUTH_PROFILE: "default",
      },
    });

    expect(stacks["test"]?.provider.aws[0]).toMatchObject({
      profile: "default",
      assume_role: [
        { role_arn: "arn:aws:iam::111111111111:role/event-lake-deployer", session_name: "event-lake-test" },
      ],
    });
  });

  it("points every service of the local provider at moto, STS included, and requests the account id", () => {
    const provider = synth.stacks["local"]?.provider.aws[0] as Record<string, unknown>;
    const endpoints = (provider["endpoints"] as Record<string, string>[])[0] as Record<string, string>;

    expect(provider).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["123456789012"],
      access_key: "test",
      secret_key: "test",
      s3_use_path_style: true,
      skip_credentials_validation: true,
      skip_metadata_api_check: "true",
      skip_requesting_account_id: false,
    });
    expect(endpoints["sts"]).toBe("http://127.0.0.1:4599");
    expect(endpoints["s3"]).toBe("http://127.0.0.1:4599");
    expect(new Set(Object.values(endpoints))).toEqual(new Set(["http://127.0.0.1:4599"]));
    expect(provider["profile"]).toBeUndefined();
  });

  it("pins the AWS provider to 5.100.0, the version the bindings were generated for", () => {
    for (const stack of Object.values(synth.stacks))
      expect(stack.terraform["required_providers"]).toEqual({ aws: { source: "aws", version: "5.100.0" } });
  });

  it("names resources {prefix}-{name}, with bucket names carrying the account id", () => {
    const buckets = Object.values(synth.stacks["sandbox"]?.resource["aws_s3_bucket"] ?? {}).map(
      (b) => b["bucket"],
    );
    const topics = Object.values(synth.stacks["sandbox"]?.resource["aws_sns_topic"] ?? {}).map(
      (t) => t["name"],
    );

    expect(buckets).toContain("event-lake-sandbox-drop-222222222222");
    expect(buckets).toContain("event-lake-sandbox-access-logs-222222222222");
    expect(topics).toContain("event-lake-sandbox-drop-events");
    for (const name of buckets) expect(String(name)).toMatch(/^event-lake-sandbox-[a-z0-9-]+-222222222222$/);
  });
});
