import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { checkCredentials } from "./preflight.js";

/** The SDK's real credential chain over a throw-away ~/.aws: one profile with keys, the backend's one missing. */
const saved = { ...process.env };
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "event-lake-preflight-"));
  writeFileSync(join(dir, "config"), "[profile test-datawarehouse]\nregion = eu-west-1\n");
  writeFileSync(
    join(dir, "credentials"),
    "[test-datawarehouse]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = example\n",
  );
  for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"])
    delete process.env[key];
  process.env["AWS_CONFIG_FILE"] = join(dir, "config");
  process.env["AWS_SHARED_CREDENTIALS_FILE"] = join(dir, "credentials");
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
});
afterAll(() => {
  process.env = saved;
});

describe("checkCredentials", () => {
  const lake = loadConfig({ env: { EVENT_LAKE_TEST_AUTH_PROFILE: "test-datawarehouse" } });
  const env = lake.environments.test;

  it("passes when the provider's profile and the backend's have credentials", async () => {
    expect(await checkCredentials(env, {}, { ...lake.state, profile: "test-datawarehouse" })).toBeUndefined();
  });

  it("names the state backend's profile when only it has no credentials, instead of the backend's raw error", async () => {
    const message = await checkCredentials(env, {}, { ...lake.state, profile: "default" });

    expect(message?.split("\n")).toEqual([
      `No usable AWS credentials for the state backend (bucket ${lake.state.bucket}, account ${lake.state.accountId}, profile "default"): Could not load credentials from any providers`,
      'Set up the "default" profile in ~/.aws/config, or point state.profile (EVENT_LAKE_STATE_PROFILE) at a profile that can assume the state role, then run the target again.',
    ]);
  });

  it("names both when neither has credentials, the environment first", async () => {
    const message = await checkCredentials(
      { ...env, auth: { ...env.auth, profile: "nobody" } },
      {},
      { ...lake.state, profile: "default" },
    );

    expect(message?.split("\n")).toEqual([
      'No usable AWS credentials for ENV=test (account 111111111111, profile "nobody"): Could not load credentials from any providers',
      'Set up the "nobody" profile in ~/.aws/config as docs/environments.md shows,',
      "or export AWS credentials (e.g. from SSO or OIDC), then run the target again.",
      `No usable AWS credentials for the state backend (bucket ${lake.state.bucket}, account ${lake.state.accountId}, profile "default"): Could not load credentials from any providers`,
      'Set up the "default" profile in ~/.aws/config, or point state.profile (EVENT_LAKE_STATE_PROFILE) at a profile that can assume the state role, then run the target again.',
    ]);
  });
});
