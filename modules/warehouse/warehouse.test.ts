import { readFileSync } from "node:fs";
import { RedshiftCluster } from "@cdktf/provider-aws/lib/redshift-cluster";
import { RedshiftserverlessWorkgroup } from "@cdktf/provider-aws/lib/redshiftserverless-workgroup";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/policy/rules/index.js";
import { StackIndex, type TerraformJson } from "../../src/terraform/json.js";
import { lakeParts } from "../../src/testing/lake-parts.js";
import { PolicyEvaluator } from "../../src/testing/policy-evaluator.js";
import { maskHashes } from "../../src/testing/synth.js";
import {
  EXTERNAL_SCHEMA_SQL_FILE,
  QUICKSIGHT_IP_RANGES,
  REDSHIFT_NODE_TYPES,
  WAREHOUSE_DEFAULTS,
  Warehouse,
  type WarehouseProps,
} from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks; output?: Record<string, { value: unknown }> };

function build(
  overrides: Partial<WarehouseProps> = {},
  extra?: (stack: TerraformStack, warehouse: Warehouse) => void,
): { json: Json; warehouse: Warehouse } {
  const stack = new TerraformStack(Testing.app(), "warehouse");
  const { context, zones, catalog, network } = lakeParts(stack, { network: true });
  const warehouse = new Warehouse(stack, "warehouse", {
    context,
    names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "event-lake-test-redshift" },
    network,
    curated: zones.curated,
    catalog,
    ...overrides,
  });
  extra?.(stack, warehouse);
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

/** Outputs of the members consumers connect through, so their references can be read in the synthesized JSON. */
function connection(stack: TerraformStack, warehouse: Warehouse): void {
  new TerraformOutput(stack, "host", { value: warehouse.endpoint.host });
  new TerraformOutput(stack, "port", { value: warehouse.endpoint.port });
  new TerraformOutput(stack, "database", { value: warehouse.endpoint.database });
  new TerraformOutput(stack, "admin_secret_arn", { value: warehouse.adminSecretArn });
}
const outputs = (json: Json) =>
  Object.fromEntries(Object.entries(json.output ?? {}).map(([k, o]) => [k, o.value]));
const ingressOf = (json: Json) =>
  at(json, "aws_security_group", "warehouse_security-group")["ingress"] as Record<string, unknown>[];

describe("Warehouse: one way to connect, whichever engine", () => {
  it("serverless: the workgroup's endpoint, the namespace's managed admin secret", () => {
    const { json, warehouse } = build({}, connection);
    expect(warehouse.engine).toBe("serverless");
    expect(outputs(json)).toEqual({
      host: "${aws_redshiftserverless_workgroup.warehouse_workgroup.endpoint[0].address}",
      port: 5439,
      database: "lake",
      admin_secret_arn: "${aws_redshiftserverless_namespace.warehouse_namespace.admin_password_secret_arn}",
    });
  });

  it("provisioned: the cluster's DNS name, the cluster's managed admin secret", () => {
    const { json, warehouse } = build({ engine: "provisioned", databaseName: "sales" }, connection);
    expect(warehouse.engine).toBe("provisioned");
    expect(outputs(json)).toEqual({
      host: "${aws_redshift_cluster.warehouse_cluster.dns_name}",
      port: 5439,
      database: "sales",
      admin_secret_arn: "${aws_redshift_cluster.warehouse_cluster.master_password_secret_arn}",
    });
  });

  it("exposes the serverless parts or the provisioned parts, never both", () => {
    const serverless = build().warehouse;
    expect(serverless.serverless?.workgroup).toBeInstanceOf(RedshiftserverlessWorkgroup);
    expect(serverless.provisioned).toBeUndefined();
    const cluster = build({ engine: "provisioned" }).warehouse;
    expect(cluster.serverless).toBeUndefined();
    expect(cluster.provisioned?.cluster).toBeInstanceOf(RedshiftCluster);
  });

  it("fills in the external-schema SQL for a cluster too", () => {
    expect(build({ engine: "provisioned" }).warehouse.externalSchemaSql()).not.toMatch(/\{\{\w+\}\}/);
  });
});

describe("Warehouse: engine provisioned", () => {
  const { json } = build({ engine: "provisioned" });

  it("is the documented default only on request: serverless otherwise", () => {
    expect(WAREHOUSE_DEFAULTS.engine).toBe("serverless");
    expect(build().json.resource["aws_redshift_cluster"]).toBeUndefined();
  });

  it("builds a cluster and no serverless resources, under stable addresses", () => {
    expect(Object.keys(json.resource["aws_redshift_cluster"] ?? {})).toEqual(["warehouse_cluster"]);
    expect(Object.keys(json.resource["aws_redshift_subnet_group"] ?? {})).toEqual(["warehouse_subnet-group"]);
    expect(Object.keys(json.resource["aws_redshift_parameter_group"] ?? {})).toEqual([
      "warehouse_parameter-group",
    ]);
    expect(Object.keys(json.resource["aws_redshift_logging"] ?? {})).toEqual(["warehouse_logging"]);
    for (const type of [
      "aws_redshiftserverless_namespace",
      "aws_redshiftserverless_workgroup",
      "aws_redshiftserverless_usage_limit",
    ])
      expect(json.resource[type]).toBeUndefined();
  });

  it("encrypts with the warehouse key, keeps the admin password in Secrets Manager, stays private", () => {
    const cluster = at(json, "aws_redshift_cluster", "warehouse_cluster");
    expect(cluster).toMatchObject({
      cluster_identifier: "event-lake-test",
      database_name: "lake",
      master_username: "lake_admin",
      manage_master_password: true,
      master_password_secret_kms_key_id: "${aws_kms_key.warehouse_key.arn}",
      encrypted: true,
      kms_key_id: "${aws_kms_key.warehouse_key.arn}",
      port: 5439,
      publicly_accessible: false,
      enhanced_vpc_routing: true,
      cluster_subnet_group_name: "${aws_redshift_subnet_group.warehouse_subnet-group.name}",
      cluster_parameter_group_name: "${aws_redshift_parameter_group.warehouse_parameter-group.name}",
      vpc_security_group_ids: ["${aws_security_group.warehouse_security-group.id}"],
      iam_roles: ["${aws_iam_role.warehouse_role.arn}"],
      default_iam_role_arn: "${aws_iam_role.warehouse_role.arn}",
      skip_final_snapshot: false,
      final_snapshot_identifier: "event-lake-test-final",
    });
    expect(cluster["master_password"]).toBeUndefined();
    expect(cluster["master_password_wo"]).toBeUndefined();
    expect(at(json, "aws_kms_key", "warehouse_key")).toMatchObject({
      description: "event-lake Redshift cluster event-lake-test",
      enable_key_rotation: true,
    });
  });

  it("sits in the private subnets", () => {
    expect(at(json, "aws_redshift_subnet_group", "warehouse_subnet-group")).toMatchObject({
      name: "event-lake-test",
      subnet_ids: ["${aws_subnet.network_private-0.id}", "${aws_subnet.network_private-1.id}"],
    });
  });

  it("requires SSL and logs user activity through its parameter group", () => {
    expect(at(json, "aws_redshift_parameter_group", "warehouse_parameter-group")).toMatchObject({
      name: "event-lake-test",
      family: "redshift-1.0",
      parameter: [
        { name: "enable_user_activity_logging", value: "true" },
        { name: "require_ssl", value: "true" },
      ],
    });
  });

  it("exports connection, user-activity and user logs to CloudWatch", () => {
    expect(at(json, "aws_redshift_logging", "warehouse_logging")).toEqual({
      cluster_identifier: "${aws_redshift_cluster.warehouse_cluster.cluster_identifier}",
      log_destination_type: "cloudwatch",
      log_exports: ["connectionlog", "useractivitylog", "userlog"],
    });
  });

  it("is 2 ra3.xlplus nodes keeping snapshots 7 days unless told otherwise", () => {
    expect(at(json, "aws_redshift_cluster", "warehouse_cluster")).toMatchObject({
      node_type: "ra3.xlplus",
      cluster_type: "multi-node",
      number_of_nodes: 2,
      automated_snapshot_retention_period: 7,
    });
    expect(WAREHOUSE_DEFAULTS.cluster).toEqual({
      nodeType: "ra3.xlplus",
      nodeCount: 2,
      snapshotRetentionDays: 7,
    });
  });

  it("takes a node type, a node count (one node is single-node), a retention and its own identifier", () => {
    const { json: single } = build({
      engine: "provisioned",
      names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "r", cluster: "lake-dw" },
      cluster: { nodeType: "dc2.large", nodeCount: 1, snapshotRetentionDays: 35 },
    });
    expect(at(single, "aws_redshift_cluster", "warehouse_cluster")).toMatchObject({
      cluster_identifier: "lake-dw",
      node_type: "dc2.large",
      cluster_type: "single-node",
      number_of_nodes: 1,
      automated_snapshot_retention_period: 35,
      final_snapshot_identifier: "lake-dw-final",
    });
    expect(at(single, "aws_security_group", "warehouse_security-group")["name"]).toBe("lake-dw");
    expect(at(single, "aws_kms_alias", "warehouse_key-alias")["name"]).toBe("alias/lake-dw");
  });

  it("keeps the same Spectrum/COPY role and a security group admitting the VPC only", () => {
    expect(ingressOf(json)).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 5439,
        to_port: 5439,
        cidr_blocks: ["${aws_vpc.network_vpc.cidr_block}"],
      }),
    ]);
    expect(at(json, "aws_security_group", "warehouse_security-group")["description"]).toBe(
      "Redshift cluster: clients from inside the VPC only",
    );
    const evaluator = new PolicyEvaluator(json, { partition: "aws", region: "eu-west-1", account: "1" });
    expect(
      evaluator.allows("warehouse_role", {
        action: "s3:GetObject",
        resource: "${aws_s3_bucket.zone-curated_bucket.arn}/orders/x.parquet",
      }),
    ).toBe(true);
  });

  it("passes the project's Redshift rules (encrypted, not public, audit logging, require_ssl)", () => {
    const index = new StackIndex("warehouse", json as unknown as TerraformJson);
    const findings = RULES.filter((r) => r.id.startsWith("REDSHIFT.")).flatMap((r) =>
      r.check(index).map((f) => `${r.id} ${f.status}`),
    );
    expect(findings).toEqual([
      "REDSHIFT.Encrypted compliant",
      "REDSHIFT.NotPublic compliant",
      "REDSHIFT.AuditLogging compliant",
      "REDSHIFT.RequireSsl compliant",
    ]);
  });
});

describe("Warehouse: QuickSight's address range", () => {
  it("is not admitted by default", () => {
    expect(WAREHOUSE_DEFAULTS.quicksightIngress).toBe(false);
    const { json } = build();
    expect(ingressOf(json)).toHaveLength(1);
    expect(at(json, "aws_security_group", "warehouse_security-group")["lifecycle"]).toBeUndefined();
  });

  it("is looked up by the stack's region in the table, and a region without a row fails the plan", () => {
    const { json } = build({ quicksightIngress: true });
    const ingress = ingressOf(json);
    expect(ingress).toHaveLength(2);
    const table = `{${Object.entries(QUICKSIGHT_IP_RANGES)
      .map(([region, cidr]) => `"${region}" = "${cidr}"`)
      .join(", ")}}`;
    const region = "data.aws_region.context_region.name";
    expect(ingress[1]).toMatchObject({
      description: "Redshift from the QuickSight address range of the region",
      protocol: "tcp",
      from_port: 5439,
      to_port: 5439,
      cidr_blocks: [`\${${table}[${region}]}`],
    });
    expect(at(json, "aws_security_group", "warehouse_security-group")["lifecycle"]).toEqual({
      precondition: [
        {
          condition: `\${contains(keys(${table}), ${region})}`,
          error_message: `No QuickSight address range for region \${${region}}: add it to modules/warehouse/quicksight-ip-ranges.ts (from the QuickSight user guide's regions page), or set quicksightIngress: false.`,
        },
      ],
    });
  });

  it("has the user guide's range for every region the lake may run in", () => {
    expect(QUICKSIGHT_IP_RANGES).toMatchObject({
      "us-east-1": "52.23.63.224/27",
      "us-east-2": "52.15.247.160/27",
      "us-west-2": "54.70.204.128/27",
      "eu-west-1": "52.210.255.224/27",
      "eu-west-2": "35.177.218.0/27",
      "eu-central-1": "35.158.127.192/27",
      "ap-southeast-1": "13.229.254.0/27",
      "ap-southeast-2": "54.153.249.96/27",
      "ap-northeast-1": "13.113.244.32/27",
    });
    for (const cidr of Object.values(QUICKSIGHT_IP_RANGES)) expect(cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/27$/);
  });
});

describe("Warehouse: access for consumers built elsewhere", () => {
  it("admits another security group on the port, inline with the group's own rules", () => {
    const { json } = build({}, (stack, warehouse) => {
      const clients = new SecurityGroup(stack, "clients", { vpcId: "vpc-1", name: "clients" });
      warehouse.admitFrom(clients, "Redshift from the clients");
    });
    expect(ingressOf(json)[1]).toMatchObject({
      description: "Redshift from the clients",
      protocol: "tcp",
      from_port: 5439,
      to_port: 5439,
      cidr_blocks: null,
      security_groups: ["${aws_security_group.clients.id}"],
    });
  });

  it("lets a named role decrypt the admin secret through Secrets Manager only", () => {
    const { json } = build({}, (_stack, warehouse) =>
      warehouse.allowAdminSecretDecrypt("ReaderDecrypts", "arn:aws:iam::1:role/reader"),
    );
    const policy = json.data["aws_iam_policy_document"]?.["warehouse_key-policy"] as {
      statement: Record<string, unknown>[];
    };
    expect(policy.statement[1]).toEqual({
      sid: "ReaderDecrypts",
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:role/reader"] }],
      actions: ["kms:Decrypt"],
      resources: ["*"],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            "secretsmanager.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
    });
  });

  it("refuses a statement id twice, or one that is not alphanumeric", () => {
    const { warehouse } = build();
    warehouse.allowAdminSecretDecrypt("Once", "arn:aws:iam::1:role/reader");
    expect(() => warehouse.allowAdminSecretDecrypt("Once", "arn:aws:iam::1:role/other")).toThrow(
      'Warehouse: key policy statement "Once" exists',
    );
    expect(() => warehouse.allowAdminSecretDecrypt("not-ok", "arn:aws:iam::1:role/other")).toThrow(
      'Warehouse: statement id "not-ok" must be alphanumeric',
    );
  });
});

describe("Warehouse: invalid provisioned props", () => {
  const names = {
    namespace: "event-lake-test",
    workgroup: "event-lake-test",
    role: "event-lake-test-redshift",
  };
  it.each([
    [{ engine: "dedicated" }, 'engine must be "serverless" or "provisioned", got "dedicated"'],
    [
      { engine: "provisioned", cluster: { nodeType: "ds2.xlarge" } },
      'cluster.nodeType "ds2.xlarge" is not one of',
    ],
    [
      { engine: "provisioned", cluster: { nodeCount: 0 } },
      "cluster.nodeCount must be a whole number from 1 to 128, got 0",
    ],
    [
      { engine: "provisioned", cluster: { nodeCount: 1.5 } },
      "cluster.nodeCount must be a whole number from 1 to 128, got 1.5",
    ],
    [
      { engine: "provisioned", cluster: { nodeType: "ra3.4xlarge", nodeCount: 1 } },
      "cluster.nodeCount: ra3.4xlarge runs multi-node only (at least 2 nodes), got 1",
    ],
    [
      { engine: "provisioned", cluster: { snapshotRetentionDays: 0 } },
      "cluster.snapshotRetentionDays must be 1 to 35, got 0",
    ],
    [
      { engine: "provisioned", names: { ...names, cluster: "1lake" } },
      'names.cluster "1lake" must be 1-63 lower-case letters, digits or single "-"',
    ],
    [
      { engine: "provisioned", names: { ...names, cluster: "lake--dw" } },
      'names.cluster "lake--dw" must be 1-63',
    ],
    [{ engine: "provisioned", names: { ...names, cluster: "lake-" } }, 'names.cluster "lake-" must be 1-63'],
    [{ engine: "provisioned", baseCapacity: 8 }, 'baseCapacity applies to engine "serverless" only'],
    [
      { engine: "provisioned", usageLimit: { rpuHours: 8 } },
      'usageLimit applies to engine "serverless" only',
    ],
    [{ cluster: { nodeCount: 2 } }, 'cluster applies to engine "provisioned" only'],
    [{ names: { ...names, cluster: "lake" } }, 'names.cluster applies to engine "provisioned" only'],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as unknown as Partial<WarehouseProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() =>
      build({ engine: "provisioned", cluster: { nodeCount: 0, snapshotRetentionDays: 40 } }),
    ).toThrow(
      /^Warehouse event-lake-test: cluster\.nodeCount .*; cluster\.snapshotRetentionDays must be 1 to 35, got 40$/,
    );
  });

  it("knows the current RA3 and DC2 node types only", () => {
    expect(Object.keys(REDSHIFT_NODE_TYPES)).toEqual([
      "ra3.large",
      "ra3.xlplus",
      "ra3.4xlarge",
      "ra3.16xlarge",
      "dc2.large",
      "dc2.8xlarge",
    ]);
  });
});
