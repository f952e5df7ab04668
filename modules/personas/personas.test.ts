import { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import { GlueJob } from "@cdktf/provider-aws/lib/glue-job";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { lakeParts, PERSONA_ROLE_NAMES as ROLE_NAMES } from "../../src/testing/lake-parts.js";
import { PolicyEvaluator } from "../../src/testing/policy-evaluator.js";
import { PERSONAS_DEFAULTS, type Persona, Personas, type PersonasProps } from "./index.js";

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
};

/** The lake's parts, a crawler and a job, and the personas over them; `overrides` replace props. */
function build(overrides: Partial<PersonasProps> = {}): { json: Json; personas: Personas } {
  const stack = new TerraformStack(Testing.app(), "personas");
  const { context, zones, catalog, workgroups } = lakeParts(stack, {
    quarantine: true,
    workgroups: ["lake", "analysts"],
  });
  const crawler = new GlueCrawler(stack, "crawler-raw", {
    name: "event-lake-test-crawl-raw",
    role: "crawler",
    databaseName: catalog.databases.raw.name,
    s3Target: [{ path: `s3://${zones.raw.bucket.bucket}/` }],
  });
  const job = new GlueJob(stack, "job-orders", {
    name: "event-lake-test-curated-orders",
    roleArn: "arn:aws:iam::111111111111:role/job",
    command: { scriptLocation: "s3://scripts/job.py" },
  });
  const personas = new Personas(stack, "personas", {
    context,
    roleNames: ROLE_NAMES,
    zones,
    catalog,
    workgroups,
    crawlers: [crawler],
    jobs: [job],
    ...overrides,
  });
  return { json: JSON.parse(Testing.synth(stack)) as Json, personas };
}

// What the synthesized strings name: a `${...}` reference is the resource it points at (hashes masked).
const ACCOUNT = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const bucket = (zone: string) => `\${aws_s3_bucket.zone-${zone}_bucket.arn}`;
const object = (zone: string, key: string) => `${bucket(zone)}/${key}`;
const key = (zone: string) => `\${aws_kms_key.zone-${zone}_key.arn}`;
const glue = (resource: string) => `arn:aws:glue:eu-west-1:111111111111:${resource}`;
const database = (zone: string) =>
  glue(`database/\${aws_glue_catalog_database.catalog_database-${zone}.name}`);
const table = (zone: string, name: string) =>
  glue(`table/\${aws_glue_catalog_database.catalog_database-${zone}.name}/${name}`);
const workgroup = (name: string) => `\${aws_athena_workgroup.workgroup-${name}_workgroup.arn}`;
const CRAWLER = "${aws_glue_crawler.crawler-raw.arn}";
const JOB = "${aws_glue_job.job-orders.arn}";
const ZONES = ["drop", "raw", "curated", "quarantine"] as const;

type Case = readonly [Persona, string, string, boolean];
const allowEach = (
  persona: Persona,
  action: string,
  resources: readonly string[],
  allowed: boolean,
): Case[] => resources.map((r) => [persona, action, r, allowed] as const);

const CASES: readonly Case[] = [
  // BI analyst: curated through the analysts workgroup, read-only.
  ["analyst", "s3:GetObject", object("curated", "orders/ingest_date=2026-11-01/part-0.parquet"), true],
  ["analyst", "kms:Decrypt", key("curated"), true],
  ["analyst", "glue:GetTable", table("curated", "orders"), true],
  ["analyst", "glue:GetPartitions", database("curated"), true],
  ["analyst", "athena:StartQueryExecution", workgroup("analysts"), true],
  ["analyst", "s3:PutObject", object("athena-results", "event-lake-test-analysts/q1.csv"), true],
  ...allowEach(
    "analyst",
    "s3:GetObject",
    ["drop", "raw", "quarantine"].map((z) => object(z, "orders/x")),
    false,
  ),
  ...allowEach("analyst", "kms:Decrypt", ["drop", "raw", "quarantine"].map(key), false),
  ["analyst", "s3:PutObject", object("curated", "orders/x.parquet"), false],
  ["analyst", "s3:PutObject", object("curated", "sandbox/x.parquet"), false],
  ["analyst", "s3:DeleteObject", object("curated", "orders/x.parquet"), false],
  ["analyst", "glue:GetTable", table("raw", "orders"), false],
  ["analyst", "glue:UpdateTable", table("curated", "orders"), false],
  ["analyst", "athena:StartQueryExecution", workgroup("lake"), false],
  ["analyst", "s3:GetObject", object("athena-results", "event-lake-test-lake/q1.csv"), false],
  [
    "analyst",
    "quicksight:DescribeDashboard",
    "arn:aws:quicksight:eu-west-1:111111111111:dashboard/sales",
    false,
  ],
  // Data scientist: reads curated, writes only its sandbox prefix of curated.
  ["scientist", "s3:GetObject", object("curated", "orders/x.parquet"), true],
  ["scientist", "s3:PutObject", object("curated", "sandbox/features/x.parquet"), true],
  ["scientist", "kms:GenerateDataKey", key("curated"), true],
  ["scientist", "athena:StartQueryExecution", workgroup("analysts"), true],
  ["scientist", "glue:GetTables", database("curated"), true],
  ["scientist", "s3:PutObject", object("curated", "orders/x.parquet"), false],
  ["scientist", "s3:PutObject", object("curated", "sandboxed/x.parquet"), false],
  ["scientist", "s3:DeleteObject", object("curated", "sandbox/x.parquet"), false],
  ...allowEach(
    "scientist",
    "s3:GetObject",
    ["drop", "raw", "quarantine"].map((z) => object(z, "orders/x")),
    false,
  ),
  ...allowEach(
    "scientist",
    "s3:PutObject",
    ["drop", "raw", "quarantine"].map((z) => object(z, "sandbox/x")),
    false,
  ),
  ["scientist", "glue:GetTable", table("raw", "orders"), false],
  ["scientist", "glue:CreateTable", table("curated", "features"), false],
  ["scientist", "athena:StartQueryExecution", workgroup("lake"), false],
  ["scientist", "glue:StartCrawler", CRAWLER, false],
  // Data engineer: every zone, the catalog, crawlers, jobs, the lake workgroup.
  ...allowEach(
    "engineer",
    "s3:GetObject",
    ZONES.map((z) => object(z, "orders/x")),
    true,
  ),
  ...allowEach(
    "engineer",
    "s3:PutObject",
    ZONES.map((z) => object(z, "orders/x")),
    true,
  ),
  ...allowEach("engineer", "kms:GenerateDataKey", ZONES.map(key), true),
  ...allowEach(
    "engineer",
    "glue:UpdateTable",
    ["drop", "raw", "curated"].map((z) => table(z, "orders")),
    true,
  ),
  ["engineer", "glue:BatchCreatePartition", table("raw", "orders"), true],
  ["engineer", "glue:StartCrawler", CRAWLER, true],
  ["engineer", "glue:StartJobRun", JOB, true],
  ["engineer", "athena:StartQueryExecution", workgroup("lake"), true],
  ["engineer", "athena:StartQueryExecution", workgroup("analysts"), false],
  ["engineer", "s3:DeleteObject", object("raw", "orders/x"), false],
  ["engineer", "glue:DeleteTable", table("raw", "orders"), false],
  ["engineer", "glue:StartCrawler", glue("crawler/someone-elses"), false],
  ["engineer", "glue:StartJobRun", glue("job/someone-elses"), false],
  ["engineer", "s3:PutBucketPolicy", bucket("raw"), false],
  ["engineer", "iam:PassRole", "arn:aws:iam::111111111111:role/job", false],
  ["engineer", "glue:GetTable", glue("table/other_db/orders"), false],
  // Data steward: administers catalog, workgroups and buckets; reads every zone, writes none.
  ...allowEach(
    "steward",
    "s3:GetObject",
    ZONES.map((z) => object(z, "orders/x")),
    true,
  ),
  ...allowEach(
    "steward",
    "s3:PutObject",
    ZONES.map((z) => object(z, "orders/x")),
    false,
  ),
  ...allowEach("steward", "s3:PutLifecycleConfiguration", ZONES.map(bucket), true),
  ...allowEach(
    "steward",
    "glue:DeleteTable",
    ["drop", "raw", "curated"].map((z) => table(z, "orders")),
    true,
  ),
  ["steward", "glue:UpdateDatabase", database("curated"), true],
  ["steward", "athena:UpdateWorkGroup", workgroup("lake"), true],
  ["steward", "athena:CreateNamedQuery", workgroup("analysts"), true],
  ["steward", "glue:DeleteTable", glue("table/other_db/orders"), false],
  ["steward", "glue:DeleteDatabase", database("curated"), false],
  ["steward", "s3:PutBucketPolicy", bucket("curated"), false],
  ["steward", "s3:PutLifecycleConfiguration", bucket("athena-results"), false],
  ["steward", "athena:StartQueryExecution", workgroup("lake"), false],
  ["steward", "glue:StartCrawler", CRAWLER, false],
  ["steward", "kms:ScheduleKeyDeletion", key("curated"), false],
] as Case[];

describe("Personas: who reaches what (an IAM evaluator over the synthesized policy documents)", () => {
  const evaluator = new PolicyEvaluator(build().json, ACCOUNT);

  it.each(CASES)("%s %s on %s -> allowed: %s", (persona, action, resource, allowed) => {
    expect(evaluator.allows(`personas_role-${persona}`, { action, resource })).toBe(allowed);
  });

  it("lists a bucket only under the prefix a grant names (the s3:prefix condition is evaluated)", () => {
    const list = (persona: Persona, prefix?: string) =>
      evaluator.allows(`personas_role-${persona}`, {
        action: "s3:ListBucket",
        resource: bucket("athena-results"),
        context: prefix === undefined ? {} : { "s3:prefix": prefix },
      });
    expect(list("analyst", "event-lake-test-analysts/")).toBe(true);
    expect(list("analyst", "event-lake-test-lake/")).toBe(false);
    expect(list("analyst")).toBe(false);
    expect(list("engineer", "event-lake-test-lake/")).toBe(true);
  });

  it("never grants a wildcard action, and no resource is a bare *", () => {
    for (const persona of Object.keys(ROLE_NAMES)) {
      const statements = evaluator.statements(`personas_role-${persona}`);
      expect(statements.flatMap((s) => s.actions).filter((a) => a.includes("*"))).toEqual([]);
      expect(statements.flatMap((s) => s.resources).filter((r) => r === "*")).toEqual([]);
      expect(statements.every((s) => s.effect === "Allow" && s.notActions.length === 0)).toBe(true);
    }
  });
});

describe("Personas: defaults and settings", () => {
  it("admits by default only the account's principals tagged for each persona, with the documented session length", () => {
    const { json } = build();
    const trusts = Object.entries(json.data["aws_iam_policy_document"] ?? {}).filter(([, d]) =>
      JSON.stringify(d).includes("AssumeFromTaggedPrincipals"),
    );
    expect(trusts.map(([id]) => id.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "personas_trust-analyst",
      "personas_trust-engineer",
      "personas_trust-scientist",
      "personas_trust-steward",
    ]);
    const steward = trusts.find(([id]) => id.includes("trust-steward"))?.[1];
    expect(steward?.["statement"]).toEqual([
      {
        sid: "AssumeFromTaggedPrincipals",
        actions: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        principals: [
          {
            type: "AWS",
            identifiers: [
              expect.stringMatching(
                /^arn:\$\{data\.aws_partition\.context_partition_\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.context_identity_\w+\.account_id\}:root$/,
              ),
            ],
          },
        ],
        condition: [
          { test: "StringEquals", variable: "aws:PrincipalTag/event-lake-persona", values: ["steward"] },
        ],
      },
    ]);
    const roles = Object.values(json.resource["aws_iam_role"] ?? {});
    expect(roles.map((r) => r["name"]).sort()).toEqual(Object.values(ROLE_NAMES).sort());
    expect(new Set(roles.map((r) => r["max_session_duration"]))).toEqual(new Set([3600]));
    expect(PERSONAS_DEFAULTS).toEqual({
      scientistPrefix: "sandbox/",
      quicksight: false,
      maxSessionDurationSeconds: 3600,
    });
  });

  it("trusts the principals given instead of the root, and takes another session length", () => {
    const sso = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Lake_abc";
    const { json } = build({ trustedPrincipalArns: [sso], maxSessionDurationSeconds: 7200 });
    const trust = Object.values(json.data["aws_iam_policy_document"] ?? {}).find((d) =>
      JSON.stringify(d).includes("AssumeFromNamedPrincipals"),
    );
    expect(JSON.stringify(trust)).toContain(JSON.stringify([sso]));
    expect(JSON.stringify(trust)).not.toContain("PrincipalTag");
    expect(JSON.stringify(trust)).not.toContain(":root");
    expect(
      new Set(Object.values(json.resource["aws_iam_role"] ?? {}).map((r) => r["max_session_duration"])),
    ).toEqual(new Set([7200]));
  });

  it("lets the scientist write the prefix given instead of sandbox/", () => {
    const { json, personas } = build({ scientistPrefix: "ml/experiments/" });
    const evaluator = new PolicyEvaluator(json, ACCOUNT);
    const put = (k: string) =>
      evaluator.allows("personas_role-scientist", { action: "s3:PutObject", resource: object("curated", k) });
    expect(personas.scientistPrefix).toBe("ml/experiments/");
    expect(put("ml/experiments/x")).toBe(true);
    expect(put("sandbox/x")).toBe(false);
  });

  it("gives the BI analyst QuickSight read access only when asked", () => {
    const evaluator = new PolicyEvaluator(build({ quicksight: true }).json, ACCOUNT);
    const dashboard = "arn:aws:quicksight:eu-west-1:111111111111:dashboard/sales";
    expect(
      evaluator.allows("personas_role-analyst", {
        action: "quicksight:DescribeDashboard",
        resource: dashboard,
      }),
    ).toBe(true);
    expect(
      evaluator.allows("personas_role-scientist", {
        action: "quicksight:DescribeDashboard",
        resource: dashboard,
      }),
    ).toBe(false);
    expect(
      evaluator.allows("personas_role-analyst", {
        action: "quicksight:DescribeDashboard",
        resource: "arn:aws:quicksight:eu-west-1:222222222222:dashboard/sales",
      }),
    ).toBe(false);
  });

  it("adds no crawler or job statement when there are none to run", () => {
    const evaluator = new PolicyEvaluator(build({ crawlers: [], jobs: [] }).json, ACCOUNT);
    const actions = evaluator.statements("personas_role-engineer").flatMap((s) => s.actions);
    expect(actions.filter((a) => a === "glue:StartCrawler" || a === "glue:StartJobRun")).toEqual([]);
  });
});

describe("Personas: invalid props", () => {
  it.each([
    [{ roleNames: { ...ROLE_NAMES, analyst: "x".repeat(65) } }, 'roleNames.analyst "xxxx'],
    [{ roleNames: { ...ROLE_NAMES, analyst: "bad name" } }, 'roleNames.analyst "bad name" must be 1-64'],
    [{ roleNames: { ...ROLE_NAMES, analyst: ROLE_NAMES.scientist } }, "roleNames must be distinct"],
    [
      { scientistPrefix: "sandbox" },
      'scientistPrefix "sandbox" must be a lower-case key prefix ending in "/"',
    ],
    [{ scientistPrefix: "/sandbox/" }, 'scientistPrefix "/sandbox/" must be'],
    [{ maxSessionDurationSeconds: 600 }, "maxSessionDurationSeconds must be 3600 to 43200, got 600"],
    [{ maxSessionDurationSeconds: 50000 }, "maxSessionDurationSeconds must be 3600 to 43200, got 50000"],
    [{ trustedPrincipalArns: [] }, "trustedPrincipalArns must not be empty"],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as Partial<PersonasProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() => build({ scientistPrefix: "x", maxSessionDurationSeconds: 1 })).toThrow(
      /^Personas: scientistPrefix "x" .*; maxSessionDurationSeconds must be/,
    );
  });
});
