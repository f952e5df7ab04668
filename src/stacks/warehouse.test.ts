import { beforeAll, describe, expect, it } from "vitest";
import { PolicyEvaluator } from "../testing/policy-evaluator.js";
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

describe("the network in every environment", () => {
  it.each(["test", "sandbox"] as const)(
    "%s has private subnets in 2 AZs, no NAT or internet gateway, flow logs kept 365 days",
    (env) => {
      const json = stack(env);
      const prefix = synth.config.environments[env].prefix;
      expect(Object.values(resourcesOf(json, "aws_subnet")).map((s) => s["map_public_ip_on_launch"])).toEqual(
        [false, false],
      );
      expect(json.resource["aws_nat_gateway"]).toBeUndefined();
      expect(json.resource["aws_internet_gateway"]).toBeUndefined();
      const groups = Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).filter(
        (g) => g["name"] === `/${prefix}/vpc-flow-logs`,
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]?.["retention_in_days"]).toBe(365);
    },
  );

  it("local has the NAT gateway (features.natGateway), whose public subnets give no public IPs", () => {
    const json = stack("local");
    expect(Object.keys(json.resource["aws_nat_gateway"] ?? {})).toHaveLength(1);
    expect(Object.keys(json.resource["aws_internet_gateway"] ?? {})).toHaveLength(1);
    expect(
      Object.entries(resourcesOf(json, "aws_subnet")).map(([path, s]) => [
        path.split("/").pop(),
        s["map_public_ip_on_launch"],
      ]),
    ).toEqual([
      ["private-0", false],
      ["private-1", false],
      ["public-0", false],
      ["public-1", false],
    ]);
  });

  it("keeps the VPC's and subnets' Terraform addresses", () => {
    const addresses = (type: string) => Object.keys(stack("test").resource[type] ?? {});
    expect(addresses("aws_vpc")).toEqual([expect.stringMatching(/^network_vpc_[0-9A-F]{8}$/)]);
    expect(addresses("aws_subnet").map((a) => a.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "network_private-0",
      "network_private-1",
    ]);
  });
});

describe("Redshift Serverless", () => {
  it.each(["test", "sandbox"] as const)(
    "%s has one namespace and one private workgroup over curated",
    (env) => {
      const json = stack(env);
      const prefix = synth.config.environments[env].prefix;
      expect(
        Object.values(resourcesOf(json, "aws_redshiftserverless_namespace")).map((n) => n["namespace_name"]),
      ).toEqual([`${prefix}-warehouse`]);
      const workgroups = Object.values(resourcesOf(json, "aws_redshiftserverless_workgroup"));
      expect(workgroups).toHaveLength(1);
      expect(workgroups[0]).toMatchObject({ publicly_accessible: false, base_capacity: 8 });
      expect(Object.keys(json.output ?? {})).toEqual(
        expect.arrayContaining([
          "redshift_workgroup_name",
          "redshift_role_arn",
          "redshift_external_schema_sql",
        ]),
      );
    },
  );

  it("is left out of local, where moto has no Redshift Serverless (compat.redshift)", () => {
    const json = stack("local");
    expect(json.resource["aws_redshiftserverless_namespace"]).toBeUndefined();
    expect(json.resource["aws_redshiftserverless_workgroup"]).toBeUndefined();
    expect(Object.keys(json.output ?? {})).not.toContain("redshift_workgroup_name");
  });
});

describe("warehouse step: invalid composition", () => {
  it("rejects a pipeline whose curated table would share the data scientists' prefix", async () => {
    const { loadPipelines } = await import("../pipelines/index.js");
    const [first] = await loadPipelines();
    if (!first) throw new Error("no pipeline declared");
    await expect(
      synthApp({ environments: ["test"], pipelines: [{ ...first, name: "sandbox" }] }),
    ).rejects.toThrow('pipeline "sandbox" would share the data scientists\' curated prefix sandbox/');
  });
});
