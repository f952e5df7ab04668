import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { synthApp } from "../testing/synth.js";
import { CI_PROFILE, CI_STATE_PROFILE, ciEnvCommand, ciEnvironment } from "./ci-env.js";

const lake = loadConfig({ env: {} });

describe("ciEnvironment", () => {
  it("leads a plan job's profiles to the environment's plan role and the read-only state role", () => {
    const { env, awsConfig } = ciEnvironment(lake, "sandbox", "plan", "/tmp/aws-config");

    expect(env).toEqual({
      CI_ROLE_ARN: "arn:aws:iam::222222222222:role/event-lake-sandbox-github-plan",
      AWS_REGION: "eu-west-1",
      AWS_CONFIG_FILE: "/tmp/aws-config",
      EVENT_LAKE_SANDBOX_AUTH_PROFILE: "event-lake-ci",
      EVENT_LAKE_SANDBOX_AUTH_ROLE_ARN: "",
      EVENT_LAKE_STATE_PROFILE: "event-lake-ci-state",
      EVENT_LAKE_STATE_ROLE_NAME: "",
    });
    expect(awsConfig).toBe(
      [
        "[profile event-lake-ci]",
        "role_arn = arn:aws:iam::222222222222:role/event-lake-sandbox-github-plan",
        "credential_source = Environment",
        "role_session_name = event-lake-ci-sandbox",
        "",
        "[profile event-lake-ci-state]",
        "role_arn = arn:aws:iam::111111111111:role/event-lake-tfstate-sandbox-plan",
        "credential_source = Environment",
        "role_session_name = event-lake-ci-state-sandbox",
        "",
      ].join("\n"),
    );
  });

  it("gives an apply job the same variables, only its profiles lead to the apply and read-write state roles", () => {
    const plan = ciEnvironment(lake, "test", "plan", "f");
    const apply = ciEnvironment(lake, "test", "apply", "f");

    expect({ ...apply.env, CI_ROLE_ARN: "" }).toEqual({ ...plan.env, CI_ROLE_ARN: "" });
    expect(apply.awsConfig).toContain(
      "role_arn = arn:aws:iam::111111111111:role/event-lake-test-github-apply",
    );
    expect(apply.awsConfig).toContain("role_arn = arn:aws:iam::111111111111:role/event-lake-tfstate-test\n");
  });

  it("synthesizes provider and backend with the CI profiles and no role ARN, so a saved plan applies with either role", async () => {
    const { env } = ciEnvironment(lake, "test", "plan", "f");
    const synth = await synthApp({ environments: ["test"], env });
    const test = synth.stacks["test"];
    const backend = (test?.terraform["backend"] ?? {}) as { s3?: Record<string, unknown> };

    expect(test?.provider.aws[0]).toMatchObject({
      profile: CI_PROFILE,
      allowed_account_ids: ["111111111111"],
    });
    expect(test?.provider.aws[0]?.["assume_role"]).toBeUndefined();
    expect(backend.s3).toMatchObject({
      profile: CI_STATE_PROFILE,
      bucket: "event-lake-tfstate-111111111111",
    });
    expect(backend.s3?.["assume_role"]).toBeUndefined();
  });
});

describe("ci-env CLI", () => {
  it("writes the AWS config file, prints KEY=VALUE lines for $GITHUB_ENV, and exits 2 on bad arguments", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ci-env-")), "aws-config");
    const lines: string[] = [];

    expect(ciEnvCommand(["test", "plan", file], (l) => lines.push(l), lake)).toBe(0);
    expect(lines[0]).toBe("CI_ROLE_ARN=arn:aws:iam::111111111111:role/event-lake-test-github-plan");
    expect(readFileSync(file, "utf8")).toContain("[profile event-lake-ci-state]");
    expect(ciEnvCommand(["local", "plan", file], () => undefined, lake)).toBe(2);
    expect(ciEnvCommand(["test", "admin", file], () => undefined, lake)).toBe(2);
    expect(ciEnvCommand(["test", "plan"], () => undefined, lake)).toBe(2);
  });
});
