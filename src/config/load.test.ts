import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, overrideVariable, parseConfig } from "./index.js";
import { locateJsonError } from "./json-error.js";

const committed = () => JSON.parse(readFileSync("src/config/environments.json", "utf8"));

function problemsOf(raw: unknown, env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfig(raw, { env, source: "test.json" });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("loadConfig", () => {
  it("reads the committed file into three environments with their accounts, regions and prefixes", () => {
    // An empty state dir: no running moto of the developer's may change the local endpoint.
    const config = loadConfig({
      env: { EVENT_LAKE_LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), "no-moto-")) },
    });

    expect(config.project).toBe("event-lake");
    expect(config.environments.test).toMatchObject({
      name: "test",
      accountId: "111111111111",
      region: "eu-west-1",
      prefix: "event-lake-test",
      auth: { profile: "test-datawarehouse", roleArn: undefined, sessionName: "event-lake-test" },
    });
    expect(config.environments.sandbox.accountId).toBe("222222222222");
    expect(config.environments.sandbox.auth.profile).toBe("sandbox-datawarehouse");
    expect(config.environments.local.endpoint).toBe("http://127.0.0.1:4566");
    expect(config.environments.test.tags).toEqual({
      Project: "event-lake",
      Environment: "test",
      ManagedBy: "cdktf",
      Owner: "data-platform",
      CostCenter: "analytics",
    });
    expect(config.state).toEqual({
      bucket: "event-lake-tfstate-111111111111",
      region: "eu-west-1",
      keyPrefix: "event-lake",
      accountId: "111111111111",
      profile: "default",
      roleName: "event-lake-tfstate",
      deployers: {
        test: ["arn:aws:iam::111111111111:role/event-lake-deployer"],
        sandbox: ["arn:aws:iam::222222222222:role/event-lake-deployer"],
      },
    });
  });

  it("lets environment variables override scalar fields, and an empty value unset an optional one", () => {
    const config = loadConfig({
      env: {
        EVENT_LAKE_TEST_ACCOUNT_ID: "333333333333",
        EVENT_LAKE_TEST_AUTH_PROFILE: "",
        EVENT_LAKE_TEST_AUTH_ROLE_ARN: "arn:aws:iam::333333333333:role/deployer",
        EVENT_LAKE_STATE_BUCKET: "other-state-bucket",
        EVENT_LAKE_LOCAL_ENDPOINT: "http://127.0.0.1:5999",
      },
    });

    expect(config.environments.test.accountId).toBe("333333333333");
    expect(config.environments.test.auth).toEqual({
      profile: undefined,
      roleArn: "arn:aws:iam::333333333333:role/deployer",
      sessionName: "event-lake-test",
    });
    expect(config.state.bucket).toBe("other-state-bucket");
    expect(config.environments.local.endpoint).toBe("http://127.0.0.1:5999");
  });

  it("names override variables after the field path", () => {
    expect(overrideVariable("test", ["auth", "roleArn"])).toBe("EVENT_LAKE_TEST_AUTH_ROLE_ARN");
    expect(overrideVariable("local", ["stateDir"])).toBe("EVENT_LAKE_LOCAL_STATE_DIR");
    expect(overrideVariable("state", ["keyPrefix"])).toBe("EVENT_LAKE_STATE_KEY_PREFIX");
  });

  it("reads another file named by EVENT_LAKE_CONFIG and reports an unreadable one by path", () => {
    const dir = mkdtempSync(join(tmpdir(), "event-lake-config-"));
    const file = join(dir, "mine.json");
    const raw = committed();
    raw.environments.sandbox.region = "us-west-2";
    writeFileSync(file, JSON.stringify(raw));

    expect(loadConfig({ env: { EVENT_LAKE_CONFIG: file } }).environments.sandbox.region).toBe("us-west-2");
    expect(() => loadConfig({ env: { EVENT_LAKE_CONFIG: join(dir, "missing.json") } })).toThrow(
      /missing\.json.*cannot read the config file/s,
    );
  });

  it("names the line and column of invalid JSON, and shows the line", () => {
    const dir = mkdtempSync(join(tmpdir(), "event-lake-config-"));
    const file = join(dir, "broken.json");
    const lines = readFileSync("src/config/environments.json", "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('"prefix": "event-lake-test"'));
    lines[at] = (lines[at] as string).replace(
      '"prefix": "event-lake-test",',
      '"prefix": "event-lake-test",,',
    );
    writeFileSync(file, lines.join("\n"));

    expect(() => loadConfig({ env: { EVENT_LAKE_CONFIG: file } })).toThrow(
      `${file}:${at + 1}:${(lines[at] as string).indexOf(",,") + 2}: not valid JSON, expected a double-quoted property name here:\n      ${(lines[at] as string).trimEnd()}\n      ${" ".repeat((lines[at] as string).indexOf(",,") + 1)}^`,
    );
  });

  it.each([
    [
      '{"a": 1,}',
      { line: 1, column: 9, expected: "another property after the comma (no trailing comma in JSON)" },
    ],
    [
      '{\n  "a": [1, 2,]\n}',
      { line: 2, column: 14, expected: "another element after the comma (no trailing comma in JSON)" },
    ],
    ['{"a" 1}', { line: 1, column: 6, expected: "':' after the property name" }],
    [
      '{"a": tru}',
      { line: 1, column: 7, expected: "a value (object, array, string, number, true, false or null)" },
    ],
    ["{'a': 1}", { line: 1, column: 2, expected: "a double-quoted property name" }],
    ['{"a": 1', { line: 1, column: 8, expected: "',' or '}' after the property value" }],
    ['{"a": 1} x', { line: 1, column: 10, expected: "the end of the file after the top-level value" }],
  ])("locates the error in %j", (text, location) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual(location);
  });

  it("finds nothing wrong in valid JSON, the committed file included", () => {
    expect(locateJsonError(readFileSync("src/config/environments.json", "utf8"))).toBeUndefined();
    expect(locateJsonError('[1, -2.5e3, "x\\n\\u00e9", true, false, null, {}, []]')).toBeUndefined();
  });

  it("takes the local endpoint from a running moto recorded in the state dir", () => {
    const dir = mkdtempSync(join(tmpdir(), "event-lake-moto-"));
    writeFileSync(
      join(dir, "moto.json"),
      JSON.stringify({ pid: 1, port: 4999, endpoint: "http://127.0.0.1:4999" }),
    );

    const config = loadConfig({ env: { EVENT_LAKE_LOCAL_STATE_DIR: dir } });

    expect(config.environments.local.endpoint).toBe("http://127.0.0.1:4999");
    expect(config.environments.local.stateDir).toBe(dir);
  });
});

describe("the optional github block (the repository the CI roles trust)", () => {
  it("is read from the committed file and overridden by EVENT_LAKE_GITHUB_OWNER and _REPO", () => {
    expect(parseConfig(committed()).github).toEqual({ owner: "data-platform", repo: "event-lake" });
    expect(
      parseConfig(committed(), {
        env: { EVENT_LAKE_GITHUB_OWNER: "acme", EVENT_LAKE_GITHUB_REPO: "lake.v2" },
      }).github,
    ).toEqual({ owner: "acme", repo: "lake.v2" });
  });

  it("may be left out: then there is no github setting at all", () => {
    const raw = committed();
    delete raw.github;

    expect(parseConfig(raw).github).toBeUndefined();
  });

  it("rejects bad owners, bad repos and unknown fields in one error", () => {
    const raw = committed();
    raw.github = { owner: "-acme", repo: "a/b", branch: "main" };

    expect(problemsOf(raw)).toEqual([
      "github.branch: unknown field (expected one of owner, repo)",
      'github.owner: "-acme" is not a GitHub user or organization name',
      'github.repo: "a/b" is not a GitHub repository name',
    ]);
    expect(problemsOf({ ...committed(), github: "acme/event-lake" })).toEqual([
      'github: must be an object like { "owner": "my-org", "repo": "event-lake" }',
    ]);
  });
});

describe("parseConfig rejects bad values with the field and the environment", () => {
  it.each([
    [
      "environments.test.accountId",
      "12345",
      /environments\.test\.accountId \(environment "test"\): "12345" is not a 12-digit account id/,
    ],
    [
      "environments.sandbox.region",
      "europe",
      /environments\.sandbox\.region \(environment "sandbox"\): "europe" is not an AWS region/,
    ],
    [
      "environments.test.prefix",
      "Event_Lake",
      /environments\.test\.prefix \(environment "test"\): "Event_Lake" must be/,
    ],
    [
      "environments.sandbox.alertEmail",
      "not-an-email",
      /environments\.sandbox\.alertEmail \(environment "sandbox"\): "not-an-email" is not an e-mail/,
    ],
    [
      "state.bucket",
      "Bad_Bucket",
      /state\.bucket \(the shared state bucket\): "Bad_Bucket" is not a valid S3 bucket name/,
    ],
    ["state.keyPrefix", "/event-lake/", /state\.keyPrefix .*must not start or end with "\/"/],
  ])("%s = %j", (path, value, message) => {
    const raw = committed();
    const keys = path.split(".");
    let node = raw;
    for (const key of keys.slice(0, -1)) node = node[key];
    node[keys.at(-1) as string] = value;

    expect(problemsOf(raw).join("\n")).toMatch(message);
  });

  it("rejects a role in another account than the environment's, so a plan can never cross accounts", () => {
    const raw = committed();
    raw.environments.sandbox.auth.roleArn = "arn:aws:iam::111111111111:role/deployer";

    expect(problemsOf(raw)).toContain(
      'environments.sandbox.auth.roleArn (environment "sandbox"): the role is in account 111111111111, but the account is 222222222222',
    );
  });

  it("names the state roles by roleName, tells a config with the old roleArn what replaced it, and checks deployers", () => {
    const raw = committed();
    delete raw.state.roleName;
    raw.state.roleArn = "arn:aws:iam::111111111111:role/event-lake-tfstate";
    raw.state.deployers = {
      test: ["arn:aws:iam::*:role/deployer", "arn:aws:iam::111111111111:role/team-*"],
      local: [],
      sandbox: "arn:aws:iam::222222222222:role/deployer",
    };

    expect(problemsOf(raw, { EVENT_LAKE_STATE_ROLE_NAME: "x".repeat(52) })).toEqual([
      'state.roleArn: replaced by state.roleName (e.g. "event-lake-tfstate"): each environment now has its own state role, <roleName>-<env> (docs/delivery.md)',
      `state.roleName (the shared state bucket): "${"x".repeat(52)}" is not an IAM role name of at most 51 characters`,
      'state.deployers.test: "arn:aws:iam::*:role/deployer" is not an IAM role ARN with a literal account (a * may stand for part of the name)',
      "state.deployers.local: unknown environment (expected test or sandbox; local has no state role)",
      "state.deployers.sandbox: must be a list of IAM role ARNs",
    ]);
  });

  it("requires a way to authenticate outside local", () => {
    expect(problemsOf(committed(), { EVENT_LAKE_TEST_AUTH_PROFILE: "" })).toContain(
      'environments.test.auth (environment "test"): set auth.profile or auth.roleArn, so Terraform knows how to reach the account',
    );
  });

  it("keeps the local endpoint on loopback", () => {
    expect(problemsOf(committed(), { EVENT_LAKE_LOCAL_ENDPOINT: "http://10.0.0.5:4566" }).join("\n")).toMatch(
      /environments\.local\.local\.endpoint \(environment "local"\): "http:\/\/10\.0\.0\.5:4566" must be a loopback URL/,
    );
  });

  it("rejects unknown fields, missing environments and shared prefixes, all in one error", () => {
    const raw = committed();
    raw.environments.test.acountId = "111111111111";
    raw.environments.sandbox.prefix = "event-lake-test";
    delete raw.environments.local;

    const problems = problemsOf(raw);

    expect(problems).toEqual([
      "environments.test.acountId: unknown field (expected one of accountId, region, prefix, auth, alertEmail, tags, features, trustedPrincipals)",
      'environments.local: missing (environment "local")',
      `environments.sandbox.prefix: "event-lake-test" is also test's prefix; names would collide`,
    ]);
  });

  it("puts every problem in the thrown message, under the file name", () => {
    const raw = committed();
    raw.environments.test.accountId = "x";
    raw.environments.test.region = "y";

    expect(() => parseConfig(raw, { source: "envs.json" })).toThrow(
      /^Invalid event-lake config \(envs\.json\):\n {2}- environments\.test\.accountId.*\n {2}- environments\.test\.region/,
    );
  });
});

describe("parseConfig: features", () => {
  const parse = (raw: unknown, env: Record<string, string> = {}) =>
    parseConfig(raw, { env, source: "test.json" }).environments;

  it("defaults every feature: SageMaker on in sandbox, everything moto can apply on in local", () => {
    const environments = parse(committed());

    expect(environments.test.features).toEqual({
      natGateway: false,
      lambdasInVpc: false,
      trailDataEvents: true,
      trailCloudWatchLogs: false,
      redshift: "serverless",
      redshiftNodeType: "ra3.xlplus",
      redshiftNodes: 2,
      quicksightAthena: false,
      quicksightRedshift: false,
      sagemaker: false,
      lakeFormation: false,
    });
    expect(environments.sandbox.features).toEqual({ ...environments.test.features, sagemaker: true });
    expect(environments.local.features).toEqual({
      ...environments.test.features,
      natGateway: true,
      lambdasInVpc: true,
      sagemaker: true,
      lakeFormation: true,
    });
  });

  it("reads the features block and lets EVENT_LAKE_<ENV>_FEATURES_<FIELD> override it", () => {
    const raw = committed();
    raw.environments.test.features = { redshift: "provisioned", redshiftNodes: 4, lakeFormation: true };

    const environments = parse(raw, {
      EVENT_LAKE_TEST_FEATURES_LAKE_FORMATION: "false",
      EVENT_LAKE_SANDBOX_FEATURES_SAGEMAKER: "false",
      EVENT_LAKE_TEST_FEATURES_REDSHIFT_NODE_TYPE: "ra3.4xlarge",
    });

    expect(environments.test.features).toMatchObject({
      redshift: "provisioned",
      redshiftNodes: 4,
      redshiftNodeType: "ra3.4xlarge",
      lakeFormation: false,
    });
    expect(environments.sandbox.features.sagemaker).toBe(false);
  });

  it("names each bad feature, with its environment, in one error", () => {
    const raw = committed();
    raw.environments.test.features = {
      sagemakr: true,
      natGateway: "yes",
      redshift: "dense",
      redshiftNodeType: "m5.large",
      redshiftNodes: 0,
    };
    raw.environments.sandbox.features = { redshift: "off", quicksightRedshift: true };

    expect(problemsOf(raw)).toEqual([
      "environments.test.features.sagemakr: unknown field (expected one of natGateway, lambdasInVpc, trailDataEvents, trailCloudWatchLogs, redshift, redshiftNodeType, redshiftNodes, quicksightAthena, quicksightRedshift, sagemaker, lakeFormation)",
      'environments.test.features.natGateway (environment "test"): "yes" must be true or false',
      'environments.test.features.redshift (environment "test"): "dense" must be one of serverless, provisioned, off',
      'environments.test.features.redshiftNodeType (environment "test"): "m5.large" is not a current Redshift node type (ra3.xlplus, ra3.large, ra3.4xlarge, ra3.16xlarge, dc2.large, dc2.8xlarge)',
      'environments.test.features.redshiftNodes (environment "test"): 0 must be a whole number from 1 to 128',
      'environments.sandbox.features.quicksightRedshift (environment "sandbox"): needs a warehouse, but features.redshift is "off"',
    ]);
  });

  it("rejects a features value that is not an object", () => {
    const raw = committed();
    raw.environments.test.features = ["sagemaker"];

    expect(problemsOf(raw)).toEqual([
      'environments.test.features (environment "test"): must be an object like { "sagemaker": true }',
    ]);
  });
});

describe("parseConfig: trustedPrincipals (who may assume producer and persona roles)", () => {
  it("is empty by default, so the roles admit tagged principals only", () => {
    expect(parseConfig(committed()).environments.test.trustedPrincipals).toEqual({});
  });

  it("reads role and user ARNs per list", () => {
    const raw = committed();
    const sso = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Lake_abc";
    raw.environments.test.trustedPrincipals = {
      producers: ["arn:aws:iam::333333333333:role/orders-exporter"],
      personas: [sso],
    };

    expect(parseConfig(raw).environments.test.trustedPrincipals).toEqual({
      producers: ["arn:aws:iam::333333333333:role/orders-exporter"],
      personas: [sso],
    });
  });

  it("names an empty list, a value that is no role or user ARN, and an unknown list, in one error", () => {
    const raw = committed();
    raw.environments.sandbox.trustedPrincipals = {
      producers: [],
      personas: ["arn:aws:iam::222222222222:root", "someone"],
      readers: ["arn:aws:iam::222222222222:role/r"],
    };

    expect(problemsOf(raw)).toEqual([
      "environments.sandbox.trustedPrincipals.readers: unknown field (expected one of producers, personas)",
      'environments.sandbox.trustedPrincipals.producers (environment "sandbox"): must be a non-empty list of IAM role or user ARNs (leave it out for tagged principals)',
      'environments.sandbox.trustedPrincipals.personas (environment "sandbox"): "arn:aws:iam::222222222222:root", "someone" is not an IAM role or user ARN',
    ]);
  });
});
