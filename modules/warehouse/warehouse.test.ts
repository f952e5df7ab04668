import { readFileSync } from "node:fs";
import { TerraformStack, Testing } from "cdktf";
import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import orders from "../../src/pipelines/definitions/orders.js";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { Network } from "../network/index.js";
import { PolicyEvaluator } from "../personas/policy-evaluator.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { EXTERNAL_SCHEMA_SQL_FILE, WAREHOUSE_DEFAULTS, Warehouse, type WarehouseProps } from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

function build(overrides: Partial<WarehouseProps> = {}): { json: Json; warehouse: Warehouse } {
  const stack = new TerraformStack(Testing.app(), "warehouse");
  const context = new AwsContext(stack, "context");
  const zone = (name: "drop" | "raw" | "curated") =>
    new ZoneBucket(stack, `zone-${name}`, { context, zone: name, bucketName: `event-lake-test-${name}-1` });
  const zones = { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") };
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: {
      drop: "event_lake_test_drop",
      raw: "event_lake_test_raw",
      curated: "event_lake_test_curated",
    },
    zones,
    securityConfigurationName: "event-lake-test-glue",
    pipelines: [orders],
  });
  const network = new Network(stack, "network", {
    context,
    name: "event-lake-test",
    flowLogGroupName: "/event-lake-test/vpc-flow-logs",
    flowLogRoleName: "event-lake-test-vpc-flow-logs",
  });
  const warehouse = new Warehouse(stack, "warehouse", {
    context,
    names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "event-lake-test-redshift" },
    network,
    curated: zones.curated,
    catalog,
    ...overrides,
  });
  return { json: maskHashes(JSON.parse(Testing.synth(stack)) as Json), warehouse };
}
const at = (json: Json, type: string, id: string) => json.resource[type]?.[id] as Record<string, unknown>;

describe("Warehouse: secure defaults", () => {
  const { json } = build();

  it("encrypts the namespace with its own rotating key, keeps the admin password in Secrets Manager, exports audit logs", () => {
    expect(at(json, "aws_redshiftserverless_namespace", "warehouse_namespace")).toMatchObject({
      namespace_name: "event-lake-test",
      db_name: "lake",
      admin_username: "lake_admin",
      manage_admin_password: true,
      admin_password_secret_kms_key_id: "${aws_kms_key.warehouse_key.arn}",
      kms_key_id: "${aws_kms_key.warehouse_key.arn}",
      iam_roles: ["${aws_iam_role.warehouse_role.arn}"],
      default_iam_role_arn: "${aws_iam_role.warehouse_role.arn}",
      log_exports: ["connectionlog", "useractivitylog", "userlog"],
    });
    const namespace = at(json, "aws_redshiftserverless_namespace", "warehouse_namespace");
    expect(namespace["admin_user_password"]).toBeUndefined();
    expect(at(json, "aws_kms_key", "warehouse_key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
  });

  it("puts the workgroup in the private subnets, private, with require_ssl and user-activity logging, 8 RPUs", () => {
    expect(at(json, "aws_redshiftserverless_workgroup", "warehouse_workgroup")).toMatchObject({
      workgroup_name: "event-lake-test",
      namespace_name: "${aws_redshiftserverless_namespace.warehouse_namespace.namespace_name}",
      base_capacity: 8,
      port: 5439,
      publicly_accessible: false,
      enhanced_vpc_routing: true,
      subnet_ids: ["${aws_subnet.network_private-0.id}", "${aws_subnet.network_private-1.id}"],
      security_group_ids: ["${aws_security_group.warehouse_security-group.id}"],
    });
    const parameters = at(json, "aws_redshiftserverless_workgroup", "warehouse_workgroup")[
      "config_parameter"
    ] as {
      parameter_key: string;
      parameter_value: string;
    }[];
    expect(Object.fromEntries(parameters.map((p) => [p.parameter_key, p.parameter_value]))).toEqual({
      auto_mv: "true",
      datestyle: "ISO, MDY",
      enable_case_sensitive_identifier: "false",
      enable_user_activity_logging: "true",
      max_query_execution_time: "14400",
      query_group: "default",
      require_ssl: "true",
      search_path: "$user, public",
      use_fips_ssl: "false",
    });
  });

  it("admits the VPC's CIDR on 5439 only", () => {
    const group = at(json, "aws_security_group", "warehouse_security-group");
    expect(group["ingress"]).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 5439,
        to_port: 5439,
        cidr_blocks: ["${aws_vpc.network_vpc.cidr_block}"],
      }),
    ]);
    expect(JSON.stringify(group["egress"])).not.toContain("0.0.0.0/0");
  });

  it("caps compute at the documented 64 RPU-hours a day, then deactivates", () => {
    expect(at(json, "aws_redshiftserverless_usage_limit", "warehouse_usage-limit")).toMatchObject({
      resource_arn: "${aws_redshiftserverless_workgroup.warehouse_workgroup.arn}",
      usage_type: "serverless-compute",
      amount: 64,
      period: "daily",
      breach_action: "deactivate",
    });
    expect(WAREHOUSE_DEFAULTS.usageLimit).toEqual({
      rpuHours: 64,
      period: "daily",
      breachAction: "deactivate",
    });
  });

  it("lets the Spectrum/COPY role read only the curated zone and its Glue database", () => {
    const evaluator = new PolicyEvaluator(json, { partition: "aws", region: "eu-west-1", account: "1" });
    const allows = (action: string, resource: string) =>
      evaluator.allows("warehouse_role", { action, resource });
    expect(allows("s3:GetObject", "${aws_s3_bucket.zone-curated_bucket.arn}/orders/x.parquet")).toBe(true);
    expect(allows("kms:Decrypt", "${aws_kms_key.zone-curated_key.arn}")).toBe(true);
    expect(
      allows(
        "glue:GetTable",
        "arn:aws:glue:eu-west-1:1:table/${aws_glue_catalog_database.catalog_database-curated.name}/orders",
      ),
    ).toBe(true);
    expect(allows("s3:GetObject", "${aws_s3_bucket.zone-raw_bucket.arn}/orders/x.parquet")).toBe(false);
    expect(allows("s3:PutObject", "${aws_s3_bucket.zone-curated_bucket.arn}/orders/x.parquet")).toBe(false);
    expect(
      allows(
        "glue:GetTable",
        "arn:aws:glue:eu-west-1:1:table/${aws_glue_catalog_database.catalog_database-raw.name}/orders",
      ),
    ).toBe(false);
    const trust = JSON.stringify(json.data["aws_iam_policy_document"]?.["warehouse_trust"]);
    expect(trust).toContain("redshift-serverless.${data.aws_partition.context_partition.dns_suffix}");
    expect(trust).toContain("aws:SourceAccount");
  });

  it("takes another capacity and usage limit", () => {
    const { json: other } = build({
      baseCapacity: 32,
      usageLimit: { rpuHours: 100, period: "weekly", breachAction: "log" },
    });
    expect(at(other, "aws_redshiftserverless_workgroup", "warehouse_workgroup")["base_capacity"]).toBe(32);
    expect(at(other, "aws_redshiftserverless_usage_limit", "warehouse_usage-limit")).toMatchObject({
      amount: 100,
      period: "weekly",
      breach_action: "log",
    });
  });
});

describe("Warehouse: the external-schema SQL file", () => {
  const parser = new Parser();
  const statements = readFileSync(EXTERNAL_SCHEMA_SQL_FILE, "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

  it("creates the external schema from the curated Glue database with the role, in the region", () => {
    // node-sql-parser's Redshift grammar has no CREATE EXTERNAL SCHEMA (a Spectrum extension): checked by shape.
    expect(statements[0]).toMatch(
      /^CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE '\{\{database\}\}' IAM_ROLE '\{\{role_arn\}\}' REGION '\{\{region\}\}'$/,
    );
    expect(() => parser.astify(statements[0] as string, { database: "Redshift" })).toThrow();
  });

  it("parses every other statement with the Redshift grammar", () => {
    const rest = statements.slice(1);
    expect(rest).toHaveLength(2);
    const types = rest.map((sql) => {
      const ast = parser.astify(sql, { database: "Redshift" });
      return (Array.isArray(ast) ? ast[0] : ast)?.type;
    });
    expect(types).toEqual(["create", "select"]);
  });

  it("fills in the curated database, the role and the region", () => {
    const sql = build().warehouse.externalSchemaSql();
    expect(sql).not.toMatch(/\{\{\w+\}\}/);
    // Terraform references, resolved at synth where the SQL is used (e.g. a TerraformOutput).
    expect(sql).toMatch(
      /DATABASE '\$\{TfToken\[TOKEN\.\d+\]\}' IAM_ROLE '\$\{TfToken\[TOKEN\.\d+\]\}' REGION '\$\{TfToken\[TOKEN\.\d+\]\}'/,
    );
  });
});

describe("Warehouse: invalid props", () => {
  const names = {
    namespace: "event-lake-test",
    workgroup: "event-lake-test",
    role: "event-lake-test-redshift",
  };
  it.each([
    [{ names: { ...names, namespace: "Bad_Name" } }, 'names.namespace "Bad_Name" must be 3-64'],
    [{ names: { ...names, workgroup: "x" } }, 'names.workgroup "x" must be 3-64'],
    [{ baseCapacity: 4 }, "baseCapacity must be 8 to 512 RPUs in steps of 8, got 4"],
    [{ baseCapacity: 12 }, "baseCapacity must be 8 to 512 RPUs in steps of 8, got 12"],
    [{ usageLimit: { rpuHours: 0 } }, "usageLimit.rpuHours must be a whole number >= 1, got 0"],
    [{ databaseName: "Lake" }, 'databaseName "Lake" must be a lower-case Redshift identifier'],
    [{ adminUsername: "admin" }, 'adminUsername "admin" must be a lower-case identifier other than "admin"'],
    [{ keyDeletionWindowDays: 45 }, "keyDeletionWindowDays must be 7 to 30, got 45"],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as Partial<WarehouseProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() => build({ baseCapacity: 1, databaseName: "X" })).toThrow(
      /^Warehouse event-lake-test: baseCapacity .*; databaseName "X"/,
    );
  });
});
