import { beforeAll, describe, expect, it } from "vitest";
import { PolicyEvaluator } from "../../modules/personas/policy-evaluator.js";
import { resourcesOf, type SynthResult, synthApp } from "../testing/synth.js";

let synth: SynthResult;
beforeAll(async () => {
  synth = await synthApp({ env: { EVENT_LAKE_LOCAL_ENDPOINT: "http://127.0.0.1:4599" } });
});

const stack = (env: "test" | "sandbox" | "local") => {
  const json = synth.stacks[env];
  if (!json) throw new Error(`no ${env} stack`);
  return json;
};

// The zones as the real stack names them (construct ids in src/stacks/zones.ts, hashes masked).
const object = (zone: string, key: string) => `\${aws_s3_bucket.zone-${zone}_bucket.arn}/${key}`;
const ZONES = ["drop", "raw", "curated", "quarantine"] as const;

describe("personas in the real test stack: each reaches exactly its zones", () => {
  const reach = (persona: string, action: string) => {
    const evaluator = new PolicyEvaluator(stack("test"), {
      partition: "aws",
      region: "eu-west-1",
      account: "111111111111",
    });
    return Object.fromEntries(
      [...ZONES, "athena-results", "logs"].map((zone) => [
        zone,
        evaluator.allows(`personas_role-${persona}`, { action, resource: object(zone, "orders/x.parquet") }),
      ]),
    );
  };
  const only = (...zones: string[]) =>
    Object.fromEntries([...ZONES, "athena-results", "logs"].map((z) => [z, zones.includes(z)]));

  it.each([
    ["steward", "s3:GetObject", only(...ZONES)],
    ["steward", "s3:PutObject", only()],
    ["engineer", "s3:GetObject", only(...ZONES)],
    ["engineer", "s3:PutObject", only(...ZONES)],
    ["engineer", "s3:DeleteObject", only()],
    ["scientist", "s3:GetObject", only("curated")],
    ["scientist", "s3:PutObject", only()],
    ["analyst", "s3:GetObject", only("curated")],
    ["analyst", "s3:PutObject", only()],
  ] as const)("%s %s: %j", (persona, action, expected) => {
    expect(reach(persona, action)).toEqual(expected);
  });

  it("the data engineer runs every crawler of the chain; the others run none", () => {
    const evaluator = new PolicyEvaluator(stack("test"), {
      partition: "aws",
      region: "eu-west-1",
      account: "1",
    });
    for (const zone of ["drop", "raw", "curated"]) {
      const crawler = `\${aws_glue_crawler.crawler-chain_crawler-${zone}.arn}`;
      expect(
        evaluator.allows("personas_role-engineer", { action: "glue:StartCrawler", resource: crawler }),
      ).toBe(true);
      for (const other of ["steward", "scientist", "analyst"])
        expect(
          evaluator.allows(`personas_role-${other}`, { action: "glue:StartCrawler", resource: crawler }),
        ).toBe(false);
    }
  });
});

describe("warehouse resources and outputs", () => {
  it.each(["test", "sandbox", "local"] as const)(
    "%s names the personas' roles after the environment",
    (env) => {
      const roles = Object.values(resourcesOf(stack(env), "aws_iam_role"))
        .map((r) => String(r["name"]))
        .filter((n) => /(data-steward|data-engineer|data-scientist|bi-analyst)$/.test(n))
        .sort();
      const prefix = synth.config.environments[env].prefix;
      expect(roles).toEqual([
        `${prefix}-bi-analyst`,
        `${prefix}-data-engineer`,
        `${prefix}-data-scientist`,
        `${prefix}-data-steward`,
      ]);
    },
  );

  it("logs the trail in AWS accounts, not in local (moto's StartLogging fails), with every other setting kept", () => {
    const trail = (env: "test" | "local") => Object.values(resourcesOf(stack(env), "aws_cloudtrail"));
    for (const env of ["test", "local"] as const) {
      expect(trail(env)).toHaveLength(1);
      expect(trail(env)[0]).toMatchObject({
        is_multi_region_trail: true,
        enable_log_file_validation: true,
        enable_logging: env === "test",
      });
    }
    const selectors = JSON.stringify(trail("test")[0]?.["event_selector"]);
    for (const zone of ZONES) expect(selectors).toContain(`\${aws_s3_bucket.zone-${zone}_bucket_`);
  });

  it("keeps the Terraform addresses of its stateful resources (renaming one replaces it)", () => {
    const addresses = (type: string) => Object.keys(stack("test").resource[type] ?? {});
    expect(addresses("aws_s3_bucket")).toContainEqual(
      expect.stringMatching(/^audit-trail_zone-trail_bucket_[0-9A-F]{8}$/),
    );
    expect(addresses("aws_kms_key")).toContainEqual(
      expect.stringMatching(/^audit-trail_zone-trail_key_[0-9A-F]{8}$/),
    );
    expect(addresses("aws_cloudtrail")).toEqual([expect.stringMatching(/^audit-trail_[0-9A-F]{8}$/)]);
    for (const persona of ["steward", "engineer", "scientist", "analyst"])
      expect(addresses("aws_iam_role")).toContainEqual(
        expect.stringMatching(new RegExp(`^personas_role-${persona}_[0-9A-F]{8}$`)),
      );
  });

  it.each(["test", "local"] as const)(
    "%s outputs the personas' role ARNs and the trail as <thing>_<attribute>",
    (env) => {
      const outputs = Object.keys(stack(env).output ?? {});
      expect(outputs).toEqual(
        expect.arrayContaining([
          "data_steward_role_arn",
          "data_engineer_role_arn",
          "data_scientist_role_arn",
          "bi_analyst_role_arn",
          "audit_trail_arn",
          "audit_trail_bucket_name",
        ]),
      );
    },
  );
});
