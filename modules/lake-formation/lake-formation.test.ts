import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { MODULE_RULES } from "../../src/policy/rules/index.js";
import { StackIndex, type TerraformJson } from "../../src/terraform/json.js";
import { lakeParts } from "../../src/testing/lake-parts.js";
import { PolicyEvaluator } from "../../src/testing/policy-evaluator.js";
import { maskHashes } from "../../src/testing/synth.js";
import { LAKE_FORMATION_DEFAULTS, LakeFormationZones, type LakeFormationZonesProps } from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

/** The lake's zones, catalog and personas, a crawler role and a transform role, and Lake Formation over them. */
function build(
  overrides: Partial<LakeFormationZonesProps> = {},
  writers = true,
): { json: Json; raw: unknown } {
  const stack = new TerraformStack(Testing.app(), "lake-formation");
  const { context, zones, catalog, personas } = lakeParts(stack, {
    quarantine: true,
    workgroups: ["lake", "analysts"],
    personas: true,
  });
  const role = (id: string, service: string) =>
    new IamRole(stack, id, {
      name: `event-lake-test-${id}`,
      assumeRolePolicy: new DataAwsIamPolicyDocument(stack, `${id}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: [`${service}.amazonaws.com`] }],
          },
        ],
      }).json,
    });
  new LakeFormationZones(stack, "lake-formation", {
    context,
    registrationRoleName: "event-lake-test-lake-formation",
    zones,
    catalog,
    personas: personas.roles,
    ...(writers
      ? {
          catalogWriters: {
            crawlers: { role: role("crawlers", "glue"), zones: ["drop", "raw", "curated"] },
            "curated-orders": { role: role("curated-orders", "states"), zones: ["curated"] },
          },
        }
      : {}),
    ...overrides,
  });
  const raw = JSON.parse(Testing.synth(stack)) as unknown;
  return { json: maskHashes(raw) as Json, raw };
}

const at = (json: Json, type: string, id: string) => json.resource[type]?.[`lake-formation_${id}`];
const ids = (json: Json, type: string) =>
  Object.keys(json.resource[type] ?? {})
    .filter((k) => k.startsWith("lake-formation_"))
    .map((k) => k.slice("lake-formation_".length))
    .sort();

const SETTINGS = "aws_lakeformation_data_lake_settings.lake-formation_settings";
const TAG_KEY = "${aws_lakeformation_lf_tag.lake-formation_tag.key}";
const role = (persona: string) => `\${aws_iam_role.personas_role-${persona}.arn}`;
const bucket = (zone: string) => `\${aws_s3_bucket.zone-${zone}_bucket.arn}`;
const key = (zone: string) => `\${aws_kms_key.zone-${zone}_key.arn}`;
const ZONES = ["drop", "raw", "curated", "quarantine"] as const;
const ACCOUNT = { partition: "aws", region: "eu-west-1", account: "111111111111" };

describe("LakeFormationZones: the registration role", () => {
  const { json } = build();
  const evaluator = new PolicyEvaluator(json, ACCOUNT);
  const allows = (action: string, resource: string) =>
    evaluator.allows("lake-formation_registration-role", { action, resource });

  it("is trusted by Lake Formation of this account only", () => {
    expect(json.resource["aws_iam_role"]?.["lake-formation_registration-role"]).toMatchObject({
      name: "event-lake-test-lake-formation",
      assume_role_policy: "${data.aws_iam_policy_document.lake-formation_registration-trust.json}",
    });
    expect(
      json.data["aws_iam_policy_document"]?.["lake-formation_registration-trust"]?.["statement"],
    ).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "Service",
            identifiers: ["lakeformation.${data.aws_partition.context_partition.dns_suffix}"],
          },
        ],
        condition: [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
        ],
      },
    ]);
  });

  it.each(ZONES)("reads, lists and writes the %s zone and uses its key", (zone) => {
    expect(allows("s3:GetObject", `${bucket(zone)}/orders/x.parquet`)).toBe(true);
    expect(allows("s3:PutObject", `${bucket(zone)}/orders/x.parquet`)).toBe(true);
    expect(allows("s3:ListBucket", bucket(zone))).toBe(true);
    expect(allows("kms:Decrypt", key(zone))).toBe(true);
    expect(allows("kms:GenerateDataKey", key(zone))).toBe(true);
  });

  it.each(ZONES)("is admitted by the %s zone's key policy through S3 only", (zone) => {
    const statements = json.data["aws_iam_policy_document"]?.[`zone-${zone}_key-policy`]?.["statement"] as {
      principals?: { identifiers: string[] }[];
      condition?: unknown;
    }[];
    const ours = statements.filter((s) =>
      s.principals?.[0]?.identifiers.includes("${aws_iam_role.lake-formation_registration-role.arn}"),
    );
    expect(ours.map((s) => s.condition)).toEqual([
      [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            "s3.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
      [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            "s3.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
    ]);
  });

  it.each([
    ["s3:DeleteObject", `${bucket("raw")}/orders/x.parquet`],
    ["s3:PutBucketPolicy", bucket("raw")],
    ["s3:GetObject", `${bucket("athena-results")}/q.csv`],
    ["kms:Decrypt", key("athena-results")],
    ["kms:ScheduleKeyDeletion", key("raw")],
    ["glue:GetTable", "arn:aws:glue:eu-west-1:111111111111:table/event_lake_test_raw/orders"],
  ])("may not %s on %s", (action, resource) => {
    expect(allows(action, resource)).toBe(false);
  });

  it("grants no wildcard action and no bare * resource", () => {
    const statements = evaluator.statements("lake-formation_registration-role");
    expect(statements.flatMap((s) => s.actions).filter((a) => a.includes("*"))).toEqual([]);
    expect(statements.flatMap((s) => s.resources).filter((r) => r === "*")).toEqual([]);
  });
});

describe("LakeFormationZones: registration, settings and tags", () => {
  const { json } = build();

  it.each(ZONES)("registers the %s zone bucket with the registration role in hybrid access mode", (zone) => {
    const location = at(json, "aws_lakeformation_resource", `location-${zone}`);
    expect(location).toMatchObject({
      arn: bucket(zone),
      role_arn: "${aws_iam_role.lake-formation_registration-role.arn}",
      hybrid_access_enabled: true,
      depends_on: [SETTINGS, "aws_iam_role_policy.lake-formation_registration-policy"],
    });
    expect(location?.["use_service_linked_role"]).toBeUndefined();
  });

  it("makes the steward and the principal running Terraform administrators, and keeps IAM access as the default", () => {
    const settings = at(json, "aws_lakeformation_data_lake_settings", "settings");
    const iamOnly = [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }];
    expect(settings).toEqual(
      expect.objectContaining({
        admins: [role("steward"), "${data.aws_iam_session_context.lake-formation_caller-session.issuer_arn}"],
        create_database_default_permissions: iamOnly,
        create_table_default_permissions: iamOnly,
      }),
    );
    expect(Object.keys(settings ?? {}).sort()).toEqual([
      "admins",
      "create_database_default_permissions",
      "create_table_default_permissions",
    ]);
    // The session's issuer: the role itself, not an sts assumed-role session ARN (which Lake Formation rejects).
    expect(json.data["aws_iam_session_context"]?.["lake-formation_caller-session"]).toMatchObject({
      arn: "${data.aws_caller_identity.lake-formation_caller.arn}",
    });
  });

  it("creates the zone LF-tag with every zone as a value", () => {
    expect(at(json, "aws_lakeformation_lf_tag", "tag")).toMatchObject({
      key: "zone",
      values: ["drop", "raw", "curated", "quarantine"],
      depends_on: [SETTINGS],
    });
  });

  it.each(["drop", "raw", "curated"])("tags the %s database with its zone", (zone) => {
    expect(at(json, "aws_lakeformation_resource_lf_tags", `tag-database-${zone}`)).toMatchObject({
      database: { name: `\${aws_glue_catalog_database.catalog_database-${zone}.name}` },
      lf_tag: [{ key: TAG_KEY, value: zone }],
      depends_on: [SETTINGS],
    });
  });

  it("makes every Lake Formation resource wait for the settings (the caller must be an administrator first)", () => {
    const types = [
      "aws_lakeformation_resource",
      "aws_lakeformation_lf_tag",
      "aws_lakeformation_resource_lf_tags",
      "aws_lakeformation_permissions",
    ];
    const waiting = types.flatMap((type) =>
      Object.entries(json.resource[type] ?? {}).map(([id, block]) => [
        id,
        (block["depends_on"] as string[]).includes(SETTINGS),
      ]),
    );
    expect(waiting.length).toBe(4 + 1 + 3 + 13);
    expect(waiting.filter(([, waits]) => !waits)).toEqual([]);
  });

  it("passes the project's rule pack with no finding on its own resources", () => {
    const { raw } = build();
    const stack = new StackIndex("lake-formation", raw as TerraformJson);
    const ours = MODULE_RULES.flatMap((rule) =>
      rule.check(stack).map((finding) => ({ rule: rule.id, ...finding })),
    ).filter((f) => f.address.includes(".lake-formation_"));
    // The registration role's policies were checked (IAM rules), and none was found wanting.
    expect(ours.filter((f) => f.status === "compliant").map((f) => f.rule)).toEqual(
      expect.arrayContaining(["IAM.NoWildcardActions", "IAM.NoWildcardResources", "IAM.StaticPolicy"]),
    );
    expect(ours.filter((f) => f.status === "non_compliant")).toEqual([]);
  });
});

describe("LakeFormationZones: grants (every one pinned)", () => {
  const { json } = build();
  const grant = (id: string) => at(json, "aws_lakeformation_permissions", id);
  const tagPolicy = (resourceType: string, values: string[]) => ({
    resource_type: resourceType,
    expression: [{ key: TAG_KEY, values }],
  });
  const ALL = ["drop", "raw", "curated", "quarantine"];

  it.each([
    ["engineer-database", "engineer", ["CREATE_TABLE", "DESCRIBE"], tagPolicy("DATABASE", ALL)],
    ["engineer-table", "engineer", ["ALTER", "DESCRIBE", "INSERT", "SELECT"], tagPolicy("TABLE", ALL)],
    ["scientist-database", "scientist", ["DESCRIBE"], tagPolicy("DATABASE", ["curated"])],
    ["scientist-table", "scientist", ["DESCRIBE", "SELECT"], tagPolicy("TABLE", ["curated"])],
    ["analyst-database", "analyst", ["DESCRIBE"], tagPolicy("DATABASE", ["curated"])],
    ["analyst-table", "analyst", ["DESCRIBE", "SELECT"], tagPolicy("TABLE", ["curated"])],
  ])("%s: the %s gets %j on %j", (id, persona, permissions, policy) => {
    expect(grant(id)).toEqual({
      principal: role(persona),
      permissions,
      lf_tag_policy: policy,
      depends_on: [SETTINGS],
    });
  });

  it.each([
    ["location-engineer-drop", role("engineer"), "drop"],
    ["location-engineer-raw", role("engineer"), "raw"],
    ["location-engineer-curated", role("engineer"), "curated"],
    ["location-crawlers-drop", "${aws_iam_role.crawlers.arn}", "drop"],
    ["location-crawlers-raw", "${aws_iam_role.crawlers.arn}", "raw"],
    ["location-crawlers-curated", "${aws_iam_role.crawlers.arn}", "curated"],
    ["location-curated-orders-curated", "${aws_iam_role.curated-orders.arn}", "curated"],
  ])("%s: %s may point tables and partitions at the %s zone", (id, principal, zone) => {
    expect(grant(id)).toEqual({
      principal,
      permissions: ["DATA_LOCATION_ACCESS"],
      data_location: { arn: `\${aws_lakeformation_resource.lake-formation_location-${zone}.arn}` },
      depends_on: [SETTINGS, `aws_lakeformation_resource.lake-formation_location-${zone}`],
    });
  });

  it("grants nothing else: no grant to the steward (an administrator), none with the grant option, no DELETE or DROP", () => {
    const all = Object.values(json.resource["aws_lakeformation_permissions"] ?? {});
    expect(all).toHaveLength(13);
    expect(all.map((g) => g["principal"])).not.toContain(role("steward"));
    expect(all.filter((g) => g["permissions_with_grant_option"] !== undefined)).toEqual([]);
    const permissions = all.flatMap((g) => g["permissions"] as string[]);
    expect(permissions.filter((p) => ["ALL", "DELETE", "DROP"].includes(p))).toEqual([]);
  });
});

describe("LakeFormationZones: construct ids are Terraform addresses", () => {
  it("pins every resource and data source id", () => {
    const { json } = build();
    expect(ids(json, "aws_iam_role")).toEqual(["registration-role"]);
    expect(ids(json, "aws_iam_role_policy")).toEqual(["registration-policy"]);
    expect(ids(json, "aws_lakeformation_data_lake_settings")).toEqual(["settings"]);
    expect(ids(json, "aws_lakeformation_resource")).toEqual([
      "location-curated",
      "location-drop",
      "location-quarantine",
      "location-raw",
    ]);
    expect(ids(json, "aws_lakeformation_lf_tag")).toEqual(["tag"]);
    expect(ids(json, "aws_lakeformation_resource_lf_tags")).toEqual([
      "tag-database-curated",
      "tag-database-drop",
      "tag-database-raw",
    ]);
    expect(ids(json, "aws_lakeformation_permissions")).toEqual([
      "analyst-database",
      "analyst-table",
      "engineer-database",
      "engineer-table",
      "location-crawlers-curated",
      "location-crawlers-drop",
      "location-crawlers-raw",
      "location-curated-orders-curated",
      "location-engineer-curated",
      "location-engineer-drop",
      "location-engineer-raw",
      "scientist-database",
      "scientist-table",
    ]);
    const data = Object.entries(json.data).flatMap(([type, blocks]) =>
      Object.keys(blocks)
        .filter((k) => k.startsWith("lake-formation_"))
        .map((k) => `${type}.${k}`),
    );
    expect(data.sort()).toEqual([
      "aws_caller_identity.lake-formation_caller",
      "aws_iam_policy_document.lake-formation_registration-policy_document",
      "aws_iam_policy_document.lake-formation_registration-trust",
      "aws_iam_session_context.lake-formation_caller-session",
    ]);
  });
});

describe("LakeFormationZones: defaults and settings", () => {
  it("pins its defaults", () => {
    expect(LAKE_FORMATION_DEFAULTS).toEqual({
      tagKey: "zone",
      catalogWriters: {},
      createPersonaGrants: true,
      additionalAdminArns: [],
      hybridAccessEnabled: true,
      defaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
    });
  });

  it("gives data location access to the engineer only when no catalog writer is given", () => {
    const { json } = build({}, false);
    expect(ids(json, "aws_lakeformation_permissions").filter((id) => id.startsWith("location-"))).toEqual([
      "location-engineer-curated",
      "location-engineer-drop",
      "location-engineer-raw",
    ]);
  });

  it("takes another tag key", () => {
    const { json } = build({ tagKey: "lake-zone" });
    expect(at(json, "aws_lakeformation_lf_tag", "tag")?.["key"]).toBe("lake-zone");
  });

  it("keeps the administrators given besides the steward and the Terraform principal", () => {
    const ci = "arn:aws:iam::111111111111:role/github-deploy";
    const { json } = build({ additionalAdminArns: [ci] });
    expect(at(json, "aws_lakeformation_data_lake_settings", "settings")?.["admins"]).toEqual([
      role("steward"),
      "${data.aws_iam_session_context.lake-formation_caller-session.issuer_arn}",
      ci,
    ]);
  });

  it("leaves the persona grants out when asked (local: moto cannot read them back), nothing else", () => {
    const { json } = build({ createPersonaGrants: false });
    expect(ids(json, "aws_lakeformation_permissions")).toEqual([
      "location-crawlers-curated",
      "location-crawlers-drop",
      "location-crawlers-raw",
      "location-curated-orders-curated",
      "location-engineer-curated",
      "location-engineer-drop",
      "location-engineer-raw",
    ]);
    expect(ids(json, "aws_lakeformation_resource")).toHaveLength(4);
    expect(at(json, "aws_lakeformation_lf_tag", "tag")).toBeDefined();
  });
});

describe("LakeFormationZones: invalid props", () => {
  const writer = (zones: ("drop" | "raw" | "curated")[]) => {
    const stack = new TerraformStack(Testing.app(), "writer");
    return { role: new IamRole(stack, "r", { name: "r", assumeRolePolicy: "{}" }), zones };
  };
  it.each([
    [{ registrationRoleName: "bad name" }, 'registrationRoleName "bad name" must be 1-64'],
    [{ registrationRoleName: "x".repeat(65) }, 'registrationRoleName "xxxx'],
    [{ tagKey: "" }, 'tagKey "" must be 1-128'],
    [{ tagKey: "zone#1" }, 'tagKey "zone#1" must be 1-128'],
    [
      { additionalAdminArns: ["arn:aws:sts::111111111111:assumed-role/deploy/session"] },
      'additionalAdminArns: "arn:aws:sts::111111111111:assumed-role/deploy/session" is not the ARN of an IAM role or user',
    ],
    [{ catalogWriters: { Crawlers: writer(["raw"]) } }, 'catalogWriters: name "Crawlers" must be 1-32'],
    [{ catalogWriters: { engineer: writer(["raw"]) } }, 'catalogWriters: "engineer" is taken'],
    [{ catalogWriters: { crawlers: writer([]) } }, "catalogWriters.crawlers.zones must not be empty"],
    [
      { catalogWriters: { crawlers: writer(["raw", "raw"]) } },
      "catalogWriters.crawlers.zones lists a zone twice",
    ],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as unknown as Partial<LakeFormationZonesProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() => build({ registrationRoleName: "bad name", tagKey: "" })).toThrow(
      /^LakeFormationZones: registrationRoleName "bad name" .*; tagKey "" must be/,
    );
  });
});
