import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { lakeParts } from "../../src/testing/lake-parts.js";
import { PolicyEvaluator } from "../../src/testing/policy-evaluator.js";
import { maskHashes } from "../../src/testing/synth.js";
import { Warehouse, type WarehouseEngine } from "../warehouse/index.js";
import {
  DATA_SOURCE_OWNER_ACTIONS,
  DATA_SOURCE_READER_ACTIONS,
  QUICKSIGHT_SOURCES_DEFAULTS,
  QuicksightSources,
  type QuicksightSourcesProps,
} from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

const READER = "arn:aws:quicksight:eu-west-1:111111111111:group/default/bi-analysts";
const OWNER = "arn:aws:quicksight:eu-west-1:111111111111:user/default/bi-admin";
const NAMES = { prefix: "event-lake-test", vpcConnectionRole: "event-lake-test-quicksight-vpc" };

function build(
  overrides: Partial<QuicksightSourcesProps> = {},
  engine: WarehouseEngine = "serverless",
): { json: Json; sources: QuicksightSources } {
  const stack = new TerraformStack(Testing.app(), "quicksight");
  const { context, zones, catalog, workgroups, network } = lakeParts(stack, {
    workgroups: ["analysts"],
    network: true,
  });
  const warehouse = new Warehouse(stack, "warehouse", {
    context,
    names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "event-lake-test-redshift" },
    network,
    curated: zones.curated,
    catalog,
    engine,
  });
  const sources = new QuicksightSources(stack, "quicksight", {
    context,
    names: NAMES,
    workgroup: workgroups.analysts,
    warehouse,
    ...overrides,
  });
  return { json: maskHashes(JSON.parse(Testing.synth(stack)) as Json), sources };
}
const at = (json: Json, type: string, id: string) => json.resource[type]?.[id] as Record<string, unknown>;
const ids = (json: Json, type: string) => Object.keys(json.resource[type] ?? {}).sort();

describe("QuicksightSources: defaults", () => {
  const { json, sources } = build();

  it("builds the Athena source only: Redshift is off unless asked", () => {
    expect(QUICKSIGHT_SOURCES_DEFAULTS).toMatchObject({ athena: true, redshift: false });
    expect(ids(json, "aws_quicksight_data_source")).toEqual(["quicksight_athena"]);
    expect(json.resource["aws_quicksight_vpc_connection"]).toBeUndefined();
    expect(ids(json, "aws_security_group")).not.toContain("quicksight_security-group");
    expect(sources.redshift).toBeUndefined();
  });

  it("puts the Athena source on the analysts' workgroup", () => {
    expect(at(json, "aws_quicksight_data_source", "quicksight_athena")).toEqual({
      data_source_id: "event-lake-test-athena",
      name: "event-lake-test curated (Athena)",
      type: "ATHENA",
      parameters: { athena: { work_group: "${aws_athena_workgroup.workgroup-analysts_workgroup.name}" } },
    });
  });

  it("shares the sources with nobody: no permission block", () => {
    expect(QUICKSIGHT_SOURCES_DEFAULTS).toMatchObject({ readers: [], owners: [] });
    expect(at(json, "aws_quicksight_data_source", "quicksight_athena")["permission"]).toBeUndefined();
  });

  it("leaves the warehouse as it was", () => {
    const group = at(json, "aws_security_group", "warehouse_security-group");
    expect(group["ingress"]).toHaveLength(1);
    const keyPolicy = json.data["aws_iam_policy_document"]?.["warehouse_key-policy"] as {
      statement: unknown[];
    };
    expect(keyPolicy.statement).toHaveLength(1);
  });
});

describe("QuicksightSources: permissions", () => {
  const { json } = build({ readers: [READER], owners: [OWNER], redshift: true });

  it("gives readers use of each source and owners its management too", () => {
    const expected = [
      {
        principal: OWNER,
        actions: [
          "quicksight:DescribeDataSource",
          "quicksight:DescribeDataSourcePermissions",
          "quicksight:PassDataSource",
          "quicksight:DeleteDataSource",
          "quicksight:UpdateDataSource",
          "quicksight:UpdateDataSourcePermissions",
        ],
      },
      {
        principal: READER,
        actions: [
          "quicksight:DescribeDataSource",
          "quicksight:DescribeDataSourcePermissions",
          "quicksight:PassDataSource",
        ],
      },
    ];
    expect(at(json, "aws_quicksight_data_source", "quicksight_athena")["permission"]).toEqual(expected);
    expect(at(json, "aws_quicksight_data_source", "quicksight_redshift")["permission"]).toEqual(expected);
    expect(DATA_SOURCE_OWNER_ACTIONS.slice(0, 3)).toEqual([...DATA_SOURCE_READER_ACTIONS]);
  });
});

describe("QuicksightSources: Redshift through a VPC connection", () => {
  const { json, sources } = build({ redshift: true });

  it("connects to the warehouse endpoint with SSL, through the VPC connection, as the managed admin secret", () => {
    expect(at(json, "aws_quicksight_data_source", "quicksight_redshift")).toEqual({
      data_source_id: "event-lake-test-redshift",
      name: "event-lake-test warehouse (Redshift)",
      type: "REDSHIFT",
      parameters: {
        redshift: {
          host: "${aws_redshiftserverless_workgroup.warehouse_workgroup.endpoint[0].address}",
          port: 5439,
          database: "lake",
        },
      },
      credentials: {
        secret_arn: "${aws_redshiftserverless_namespace.warehouse_namespace.admin_password_secret_arn}",
      },
      ssl_properties: { disable_ssl: false },
      vpc_connection_properties: {
        vpc_connection_arn: "${aws_quicksight_vpc_connection.quicksight_vpc-connection.arn}",
      },
      depends_on: ["aws_security_group.warehouse_security-group"],
    });
    expect(JSON.stringify(json)).not.toMatch(/"password"|credential_pair/);
  });

  it("places the connection in the private subnets, behind its own group, after its role's policy", () => {
    expect(at(json, "aws_quicksight_vpc_connection", "quicksight_vpc-connection")).toEqual({
      vpc_connection_id: "event-lake-test-redshift",
      name: "event-lake-test Redshift",
      role_arn: "${aws_iam_role.quicksight_vpc-connection-role.arn}",
      security_group_ids: ["${aws_security_group.quicksight_security-group.id}"],
      subnet_ids: ["${aws_subnet.network_private-0.id}", "${aws_subnet.network_private-1.id}"],
      depends_on: ["aws_iam_role_policy.quicksight_vpc-connection-policy"],
    });
  });

  it("lets the connection's group out to the warehouse's group on 5439 only, and nothing in", () => {
    const group = at(json, "aws_security_group", "quicksight_security-group");
    expect(group).toEqual({
      name: "event-lake-test-quicksight",
      description: "QuickSight VPC connection: out to the warehouse on its port only",
      vpc_id: "${aws_vpc.network_vpc.id}",
      tags: { Name: "event-lake-test-quicksight" },
    });
    expect(json.resource["aws_vpc_security_group_egress_rule"]).toEqual({
      "quicksight_security-group-egress": {
        security_group_id: "${aws_security_group.quicksight_security-group.id}",
        description: "Redshift: the warehouse's security group",
        ip_protocol: "tcp",
        from_port: 5439,
        to_port: 5439,
        referenced_security_group_id: "${aws_security_group.warehouse_security-group.id}",
      },
    });
    expect(json.resource["aws_vpc_security_group_ingress_rule"]).toBeUndefined();
  });

  it("makes the warehouse admit the connection's group, inline with its other rules", () => {
    const ingress = at(json, "aws_security_group", "warehouse_security-group")["ingress"] as unknown[];
    expect(ingress).toHaveLength(2);
    expect(ingress[1]).toMatchObject({
      description: "Redshift from the QuickSight VPC connection",
      protocol: "tcp",
      from_port: 5439,
      to_port: 5439,
      security_groups: ["${aws_security_group.quicksight_security-group.id}"],
    });
  });

  it("lets QuickSight's Secrets Manager role decrypt the admin secret through Secrets Manager", () => {
    expect(json.data["aws_iam_role"]?.["quicksight_secrets-manager-role"]).toEqual({
      name: "aws-quicksight-secretsmanager-role-v0",
    });
    expect(QUICKSIGHT_SOURCES_DEFAULTS.secretsManagerRoleName).toBe("aws-quicksight-secretsmanager-role-v0");
    const keyPolicy = json.data["aws_iam_policy_document"]?.["warehouse_key-policy"] as {
      statement: Record<string, unknown>[];
    };
    expect(keyPolicy.statement[1]).toMatchObject({
      sid: "QuickSightReadsAdminSecret",
      principals: [
        { type: "AWS", identifiers: ["${data.aws_iam_role.quicksight_secrets-manager-role.arn}"] },
      ],
      actions: ["kms:Decrypt"],
    });
    const { json: renamed } = build({ redshift: true, secretsManagerRoleName: "qs-secrets" });
    expect(renamed.data["aws_iam_role"]?.["quicksight_secrets-manager-role"]).toEqual({ name: "qs-secrets" });
  });

  it("exposes the Redshift parts", () => {
    expect(sources.redshift?.dataSource.typeInput).toBe("REDSHIFT");
    expect(sources.redshift?.vpcConnection.vpcConnectionIdInput).toBe("event-lake-test-redshift");
    expect(sources.redshift?.securityGroup.nameInput).toBe("event-lake-test-quicksight");
    expect(sources.redshift?.role.nameInput).toBe("event-lake-test-quicksight-vpc");
    expect(sources.athena?.typeInput).toBe("ATHENA");
  });

  it("reaches a provisioned warehouse the same way", () => {
    const { json: cluster } = build({ redshift: true }, "provisioned");
    expect(at(cluster, "aws_quicksight_data_source", "quicksight_redshift")).toMatchObject({
      parameters: {
        redshift: {
          host: "${aws_redshift_cluster.warehouse_cluster.dns_name}",
          port: 5439,
          database: "lake",
        },
      },
      credentials: { secret_arn: "${aws_redshift_cluster.warehouse_cluster.master_password_secret_arn}" },
      ssl_properties: { disable_ssl: false },
    });
  });

  it("builds Redshift alone when Athena is off", () => {
    const { json: alone } = build({ athena: false, redshift: true, workgroup: undefined });
    expect(ids(alone, "aws_quicksight_data_source")).toEqual(["quicksight_redshift"]);
  });
});

describe("QuicksightSources: the VPC connection's role", () => {
  const { json } = build({ redshift: true });
  const evaluator = new PolicyEvaluator(json, { partition: "aws", region: "eu-west-1", account: "1" });
  const allows = (action: string, resource: string, context?: Record<string, string>) =>
    evaluator.allows("quicksight_vpc-connection-role", { action, resource, context });
  const eni = "arn:aws:ec2:eu-west-1:1:network-interface/eni-1";
  const vpc = { "ec2:Vpc": "${aws_vpc.network_vpc.arn}" };

  it("is trusted by QuickSight only", () => {
    expect(json.data["aws_iam_policy_document"]?.["quicksight_vpc-connection-trust"]).toEqual({
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [
            {
              type: "Service",
              identifiers: ["quicksight.${data.aws_partition.context_partition.dns_suffix}"],
            },
          ],
        },
      ],
    });
  });

  it("creates network interfaces in the private subnets with the connection's group only", () => {
    expect(allows("ec2:CreateNetworkInterface", eni)).toBe(true);
    expect(allows("ec2:CreateNetworkInterface", "${aws_subnet.network_private-1.arn}")).toBe(true);
    expect(allows("ec2:CreateNetworkInterface", "${aws_security_group.quicksight_security-group.arn}")).toBe(
      true,
    );
    expect(allows("ec2:CreateNetworkInterface", "arn:aws:ec2:eu-west-1:1:subnet/subnet-elsewhere")).toBe(
      false,
    );
    expect(allows("ec2:CreateNetworkInterface", "${aws_security_group.warehouse_security-group.arn}")).toBe(
      false,
    );
    expect(allows("ec2:CreateNetworkInterface", "arn:aws:ec2:us-east-1:1:network-interface/eni-1")).toBe(
      false,
    );
  });

  it("changes and deletes network interfaces of the lake's VPC only", () => {
    expect(allows("ec2:DeleteNetworkInterface", eni, vpc)).toBe(true);
    expect(allows("ec2:ModifyNetworkInterfaceAttribute", eni, vpc)).toBe(true);
    expect(
      allows("ec2:DeleteNetworkInterface", eni, { "ec2:Vpc": "arn:aws:ec2:eu-west-1:1:vpc/vpc-other" }),
    ).toBe(false);
    expect(
      allows("ec2:ModifyNetworkInterfaceAttribute", "${aws_security_group.quicksight_security-group.arn}"),
    ).toBe(true);
  });

  it("describes subnets and groups (no narrower resource exists), and does nothing else", () => {
    expect(allows("ec2:DescribeSubnets", "*")).toBe(true);
    expect(allows("ec2:DescribeSecurityGroups", "*")).toBe(true);
    for (const action of ["ec2:CreateSecurityGroup", "ec2:AttachNetworkInterface", "ec2:DescribeInstances"])
      expect(allows(action, "*")).toBe(false);
    const actions = evaluator
      .statements("quicksight_vpc-connection-role")
      .flatMap((s) => s.actions)
      .sort();
    expect([...new Set(actions)]).toEqual([
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:ModifyNetworkInterfaceAttribute",
    ]);
  });
});

describe("QuicksightSources: invalid props", () => {
  it.each([
    [{ athena: false, redshift: false }, "no data source: set athena or redshift (or leave QuickSight out)"],
    [{ workgroup: undefined }, "athena needs workgroup (the analysts' Athena workgroup)"],
    [{ redshift: true, warehouse: undefined }, "redshift needs warehouse"],
    [{ redshift: true, names: { prefix: "event-lake-test" } }, "redshift needs names.vpcConnectionRole"],
    [
      { names: { prefix: "event-lake-test", vpcConnectionRole: "x".repeat(65) } },
      `names.vpcConnectionRole "${"x".repeat(65)}" must be 1-64`,
    ],
    [{ names: { ...NAMES, prefix: "Event_Lake" } }, 'names.prefix "Event_Lake" must be 1-100 lower-case'],
    [
      { secretsManagerRoleName: "service-role/x" },
      'secretsManagerRoleName "service-role/x" must be a role name',
    ],
    [{ readers: ["bi-analysts"] }, 'readers: "bi-analysts" is not a QuickSight user or group ARN'],
    [
      { owners: ["arn:aws:iam::111111111111:user/bi-admin"] },
      'owners: "arn:aws:iam::111111111111:user/bi-admin" is not a QuickSight user or group ARN',
    ],
    [{ readers: [READER, READER] }, "readers lists a principal twice"],
    [{ readers: [READER], owners: [READER] }, `"${READER}" is in both readers and owners`],
    [
      {
        readers: Array.from(
          { length: 65 },
          (_, i) => `arn:aws:quicksight:eu-west-1:111111111111:user/default/u${i}`,
        ),
      },
      "at most 64 readers and owners together, got 65",
    ],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as unknown as Partial<QuicksightSourcesProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() => build({ athena: true, workgroup: undefined, redshift: true, warehouse: undefined })).toThrow(
      /^QuicksightSources event-lake-test: athena needs workgroup .*; redshift needs warehouse$/,
    );
  });
});
