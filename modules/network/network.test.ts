import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { cidrSubnet, NETWORK_DEFAULTS, Network, type NetworkProps } from "./index.js";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Blocks; data: Blocks };

function build(overrides: Partial<NetworkProps> = {}): Json {
  const stack = new TerraformStack(Testing.app(), "network");
  const context = new AwsContext(stack, "context");
  new Network(stack, "network", {
    context,
    name: "event-lake-test",
    flowLogGroupName: "/event-lake/test/vpc-flow-logs",
    flowLogRoleName: "event-lake-test-vpc-flow-logs",
    ...overrides,
  });
  return maskHashes(JSON.parse(Testing.synth(stack)) as Json);
}
const all = (json: Json, type: string) => Object.values(json.resource[type] ?? {});
const at = (json: Json, type: string, id: string) => json.resource[type]?.[id] as Record<string, unknown>;

describe("Network: secure defaults", () => {
  const json = build();

  it("is one VPC with DNS, private subnets in 2 AZs only, and no way to the internet", () => {
    expect(at(json, "aws_vpc", "network_vpc")).toMatchObject({
      cidr_block: "10.20.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
    expect(
      all(json, "aws_subnet").map((s) => [
        s["cidr_block"],
        s["availability_zone"],
        s["map_public_ip_on_launch"],
      ]),
    ).toEqual([
      ["10.20.0.0/20", "${element(data.aws_availability_zones.network_zones.names, 0)}", false],
      ["10.20.16.0/20", "${element(data.aws_availability_zones.network_zones.names, 1)}", false],
    ]);
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route"])
      expect(all(json, type)).toEqual([]);
    expect(all(json, "aws_route_table")).toHaveLength(2);
  });

  it("empties the default security group", () => {
    const group = at(json, "aws_default_security_group", "network_default-security-group");
    expect(group["vpc_id"]).toBe("${aws_vpc.network_vpc.id}");
    expect(group["ingress"]).toBeUndefined();
    expect(group["egress"]).toBeUndefined();
  });

  it("has S3 and DynamoDB gateway endpoints on every private route table", () => {
    for (const name of ["s3", "dynamodb"])
      expect(at(json, "aws_vpc_endpoint", `network_endpoint-${name}`)).toMatchObject({
        service_name: `\${data.aws_partition.network_partition.reverse_dns_prefix}.\${data.aws_region.context_region.name}.${name}`,
        vpc_endpoint_type: "Gateway",
        route_table_ids: [
          "${aws_route_table.network_private-0-routes.id}",
          "${aws_route_table.network_private-1-routes.id}",
        ],
      });
  });

  it("has the documented interface endpoints, private DNS, in the private subnets, reachable on 443 from the VPC only", () => {
    expect(NETWORK_DEFAULTS.interfaceEndpoints).toEqual([
      "sqs",
      "sns",
      "logs",
      "glue",
      "athena",
      "sts",
      "kms",
      "secretsmanager",
      "redshift-data",
    ]);
    const interfaces = all(json, "aws_vpc_endpoint").filter((e) => e["vpc_endpoint_type"] === "Interface");
    expect(interfaces.map((e) => String(e["service_name"]).split(".").pop()).sort()).toEqual(
      [...NETWORK_DEFAULTS.interfaceEndpoints].sort(),
    );
    for (const e of interfaces)
      expect(e).toMatchObject({
        private_dns_enabled: true,
        subnet_ids: ["${aws_subnet.network_private-0.id}", "${aws_subnet.network_private-1.id}"],
        security_group_ids: ["${aws_security_group.network_endpoint-security-group.id}"],
      });
    const group = at(json, "aws_security_group", "network_endpoint-security-group");
    expect(group["ingress"]).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_blocks: ["10.20.0.0/16"],
      }),
    ]);
    expect(group["egress"]).toBeUndefined();
  });

  it("gives Lambdas a security group with HTTPS out to the VPC and the gateway endpoints only", () => {
    const group = at(json, "aws_security_group", "network_lambda-security-group");
    expect(group["ingress"]).toBeUndefined();
    expect(group["egress"]).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_blocks: ["10.20.0.0/16"],
      }),
      expect.objectContaining({
        protocol: "tcp",
        from_port: 443,
        to_port: 443,
        prefix_list_ids: [
          "${aws_vpc_endpoint.network_endpoint-s3.prefix_list_id}",
          "${aws_vpc_endpoint.network_endpoint-dynamodb.prefix_list_id}",
        ],
      }),
    ]);
  });

  it("logs all traffic to a KMS-encrypted log group kept 365 days, through a role only flow logs can assume", () => {
    expect(at(json, "aws_flow_log", "network_flow-log")).toMatchObject({
      vpc_id: "${aws_vpc.network_vpc.id}",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: "${aws_cloudwatch_log_group.network_flow-log-group.arn}",
      iam_role_arn: "${aws_iam_role.network_flow-log-role.arn}",
    });
    expect(at(json, "aws_cloudwatch_log_group", "network_flow-log-group")).toEqual(
      expect.objectContaining({
        name: "/event-lake/test/vpc-flow-logs",
        retention_in_days: 365,
        kms_key_id: "${aws_kms_key.network_flow-log-key.arn}",
      }),
    );
    expect(at(json, "aws_kms_key", "network_flow-log-key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    const trust = json.data["aws_iam_policy_document"]?.["network_flow-log-trust"];
    expect(JSON.stringify(trust)).toContain(
      "vpc-flow-logs.${data.aws_partition.context_partition.dns_suffix}",
    );
    const policy = json.data["aws_iam_policy_document"]?.["network_flow-log-policy_document"];
    expect(policy?.["statement"]).toEqual([
      {
        actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        resources: [
          "${aws_cloudwatch_log_group.network_flow-log-group.arn}",
          "${aws_cloudwatch_log_group.network_flow-log-group.arn}:*",
        ],
      },
    ]);
  });
});

describe("Network: settings", () => {
  it("adds public subnets, an internet gateway and one NAT gateway only when asked, and routes private egress through it", () => {
    const json = build({ natGateway: true, availabilityZoneCount: 3, cidrBlock: "10.30.0.0/20" });
    const cidrs = all(json, "aws_subnet").map((s) => s["cidr_block"]);
    expect(cidrs).toEqual([
      "10.30.0.0/24",
      "10.30.1.0/24",
      "10.30.2.0/24",
      "10.30.8.0/24",
      "10.30.9.0/24",
      "10.30.10.0/24",
    ]);
    expect(all(json, "aws_nat_gateway")).toHaveLength(1);
    expect(all(json, "aws_internet_gateway")).toHaveLength(1);
    const routes = all(json, "aws_route");
    expect(
      routes.filter((r) => r["nat_gateway_id"] === "${aws_nat_gateway.network_nat-gateway.id}"),
    ).toHaveLength(3);
    expect(
      routes.filter((r) => r["gateway_id"] === "${aws_internet_gateway.network_internet-gateway.id}"),
    ).toHaveLength(1);
    const lambda = at(json, "aws_security_group", "network_lambda-security-group");
    expect(JSON.stringify(lambda["egress"])).toContain('"cidr_blocks":["0.0.0.0/0"]');
  });

  it("creates only the interface endpoints listed, and keeps flow logs as long as asked", () => {
    const json = build({ interfaceEndpoints: ["sqs"], flowLogRetentionDays: 90 });
    expect(
      all(json, "aws_vpc_endpoint")
        .map((e) => String(e["service_name"]).split(".").pop())
        .sort(),
    ).toEqual(["dynamodb", "s3", "sqs"]);
    expect(at(json, "aws_cloudwatch_log_group", "network_flow-log-group")["retention_in_days"]).toBe(90);
  });

  it("computes subnet ranges as Terraform's cidrsubnet does", () => {
    expect(cidrSubnet("10.20.0.0/16", 4, 0)).toBe("10.20.0.0/20");
    expect(cidrSubnet("10.20.0.0/16", 4, 15)).toBe("10.20.240.0/20");
    expect(cidrSubnet("192.168.0.0/24", 4, 3)).toBe("192.168.0.48/28");
  });
});

describe("Network: invalid props", () => {
  it.each([
    [{ cidrBlock: "10.20.0.0/8" }, 'cidrBlock "10.20.0.0/8" must be an aligned IPv4 range from /16 to /24'],
    [{ cidrBlock: "10.20.1.0/16" }, 'cidrBlock "10.20.1.0/16" must be an aligned'],
    [{ cidrBlock: "10.300.0.0/16" }, 'cidrBlock "10.300.0.0/16" must be'],
    [{ availabilityZoneCount: 1 }, "availabilityZoneCount must be 2 or 3, got 1"],
    [{ interfaceEndpoints: ["S Q S"] }, 'interfaceEndpoints: "S Q S" is not an endpoint service suffix'],
    [{ interfaceEndpoints: ["s3"] }, 'interfaceEndpoints: "s3" always has a gateway endpoint'],
    [{ interfaceEndpoints: ["sqs", "sqs"] }, "interfaceEndpoints lists a service twice"],
    [
      { flowLogRetentionDays: 10 },
      "flowLogRetentionDays must be one of CloudWatch's retention values, got 10",
    ],
    [{ keyDeletionWindowDays: 3 }, "keyDeletionWindowDays must be 7 to 30, got 3"],
  ] as const)("rejects %j", (overrides, message) => {
    expect(() => build(overrides as Partial<NetworkProps>)).toThrow(message);
  });

  it("reports every problem in one error", () => {
    expect(() => build({ availabilityZoneCount: 5, flowLogRetentionDays: 2 })).toThrow(
      /^Network event-lake-test: availabilityZoneCount .*; flowLogRetentionDays/,
    );
  });
});
