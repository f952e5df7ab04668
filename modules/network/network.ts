import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { keyAdminStatement, logsKeyStatement, serviceTrustStatement } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { NETWORK_DEFAULTS as DEFAULTS, LOG_RETENTION_DAYS, type NetworkProps } from "./network-props.js";

/**
 * The lake's VPC: private subnets only (one per availability zone), no route to the internet unless `natGateway`
 * asks for one, gateway endpoints for S3 and DynamoDB on every private route table, interface endpoints for the
 * services private workloads call (reachable on 443 from inside the VPC only), the default security group emptied,
 * VPC flow logs of all traffic to a KMS-encrypted log group with a retention, and a security group for Lambda
 * functions (egress 443 to the VPC and the gateway endpoints only). Callers place functions in `privateSubnets` behind
 * `lambdaSecurityGroup` (TracedFunction's `vpc` prop).
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: readonly Subnet[];
  readonly publicSubnets: readonly Subnet[];
  readonly privateRouteTables: readonly RouteTable[];
  readonly gatewayEndpoints: Readonly<Record<"s3" | "dynamodb", VpcEndpoint>>;
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;
  readonly endpointSecurityGroup: SecurityGroup;
  readonly lambdaSecurityGroup: SecurityGroup;
  readonly flowLogGroup: CloudwatchLogGroup;
  readonly flowLogKey: KmsKey;
  readonly natGateway?: NatGateway;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    const cidr = props.cidrBlock ?? DEFAULTS.cidrBlock;
    const azCount = props.availabilityZoneCount ?? DEFAULTS.availabilityZoneCount;
    const tag = (...parts: string[]) => ({ Name: [props.name, ...parts].join("-") });
    const partition = new DataAwsPartition(this, "partition");
    const service = (suffix: string) => `${partition.reverseDnsPrefix}.${aws.region}.${suffix}`;

    // Build: the VPC and its private subnets.
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tag("vpc"),
    });
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      tags: tag("default-closed"),
    });
    const zones = new DataAwsAvailabilityZones(this, "zones", { state: "available" });
    const az = (i: number) => Fn.element(zones.names, i);
    this.privateSubnets = range(azCount).map(
      (i) =>
        new Subnet(this, `private-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidrSubnet(cidr, DEFAULTS.subnetNewBits, i),
          availabilityZone: az(i),
          mapPublicIpOnLaunch: false,
          tags: tag("private", String(i)),
        }),
    );
    this.privateRouteTables = this.privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        tags: tag("private", String(i)),
      });
      new RouteTableAssociation(this, `private-${i}-association`, {
        subnetId: subnet.id,
        routeTableId: table.id,
      });
      return table;
    });

    // Build: the optional way out, through one NAT gateway in a public subnet.
    this.publicSubnets = [];
    if (props.natGateway ?? DEFAULTS.natGateway) {
      const gateway = new InternetGateway(this, "internet-gateway", { vpcId: this.vpc.id, tags: tag("igw") });
      const publicRoutes = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: tag("public") });
      new Route(this, "public-default-route", {
        routeTableId: publicRoutes.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: gateway.id,
      });
      this.publicSubnets = range(azCount).map((i) => {
        const subnet = new Subnet(this, `public-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidrSubnet(cidr, DEFAULTS.subnetNewBits, 8 + i),
          availabilityZone: az(i),
          // Nothing is launched here but the NAT gateway, which has its own Elastic IP.
          mapPublicIpOnLaunch: false,
          tags: tag("public", String(i)),
        });
        new RouteTableAssociation(this, `public-${i}-association`, {
          subnetId: subnet.id,
          routeTableId: publicRoutes.id,
        });
        return subnet;
      });
      const ip = new Eip(this, "nat-ip", { domain: "vpc", tags: tag("nat") });
      const firstPublic = this.publicSubnets[0] as Subnet;
      this.natGateway = new NatGateway(this, "nat-gateway", {
        allocationId: ip.allocationId,
        subnetId: firstPublic.id,
        tags: tag("nat"),
        dependsOn: [gateway],
      });
      for (const [i, table] of this.privateRouteTables.entries())
        new Route(this, `private-${i}-default-route`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: this.natGateway.id,
        });
    }

    // Build: endpoints.
    const gateway = (name: "s3" | "dynamodb") =>
      new VpcEndpoint(this, `endpoint-${name}`, {
        vpcId: this.vpc.id,
        serviceName: service(name),
        vpcEndpointType: "Gateway",
        routeTableIds: this.privateRouteTables.map((t) => t.id),
        tags: tag("endpoint", name),
      });
    this.gatewayEndpoints = { s3: gateway("s3"), dynamodb: gateway("dynamodb") };
    this.endpointSecurityGroup = new SecurityGroup(this, "endpoint-security-group", {
      name: `${props.name}-endpoints`,
      description: "Interface endpoints: HTTPS from inside the VPC only",
      vpcId: this.vpc.id,
      ingress: [
        {
          description: "HTTPS from the VPC",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [cidr],
        },
      ],
      tags: tag("endpoints"),
    });
    const interfaces: Record<string, VpcEndpoint> = {};
    for (const name of props.interfaceEndpoints ?? DEFAULTS.interfaceEndpoints)
      interfaces[name] = new VpcEndpoint(this, `endpoint-${name}`, {
        vpcId: this.vpc.id,
        serviceName: service(name),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.privateSubnets.map((s) => s.id),
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: tag("endpoint", name),
      });
    this.interfaceEndpoints = interfaces;

    // Build: the Lambda security group: HTTPS to the interface endpoints and the gateway endpoints' prefix lists,
    // and to the internet only when a NAT gateway exists.
    this.lambdaSecurityGroup = new SecurityGroup(this, "lambda-security-group", {
      name: `${props.name}-lambda`,
      description: "Lambda functions in the private subnets: HTTPS out to AWS endpoints only",
      vpcId: this.vpc.id,
      egress: [
        {
          description: "HTTPS to interface endpoints",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [cidr],
        },
        {
          description: "HTTPS to S3 and DynamoDB gateway endpoints",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListIds: [this.gatewayEndpoints.s3.prefixListId, this.gatewayEndpoints.dynamodb.prefixListId],
        },
        ...(this.natGateway
          ? [
              {
                description: "HTTPS to the internet through the NAT gateway",
                protocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrBlocks: ["0.0.0.0/0"],
              },
            ]
          : []),
      ],
      tags: tag("lambda"),
    });

    // Build: flow logs, KMS-encrypted, with a retention.
    const logGroupArn = aws.arn("logs", `log-group:${props.flowLogGroupName}`);
    const keyPolicy = new DataAwsIamPolicyDocument(this, "flow-log-key-policy", {
      statement: [
        keyAdminStatement(aws),
        logsKeyStatement(aws, "CloudWatchLogsEncryptFlowLogs", [logGroupArn]),
      ],
    });
    this.flowLogKey = new KmsKey(this, "flow-log-key", {
      description: `event-lake VPC flow logs (${props.flowLogGroupName})`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "flow-log-key-alias", {
      name: `alias/${props.name}-vpc-flow-logs`,
      targetKeyId: this.flowLogKey.keyId,
    });
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-log-group", {
      name: props.flowLogGroupName,
      retentionInDays: props.flowLogRetentionDays ?? DEFAULTS.flowLogRetentionDays,
      kmsKeyId: this.flowLogKey.arn,
    });
    const trust = new DataAwsIamPolicyDocument(this, "flow-log-trust", {
      statement: [
        serviceTrustStatement(aws, ["vpc-flow-logs"], { sourceArns: [aws.arn("ec2", "vpc-flow-log/*")] }),
      ],
    });
    const role = new IamRole(this, "flow-log-role", {
      name: props.flowLogRoleName,
      assumeRolePolicy: trust.json,
    });
    const policy = new RolePolicy(this, "flow-log-policy", { role });
    policy.addStatements({
      actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: tag("flow-log"),
    });
  }

  /** Subnet ids to place private workloads (Lambda functions, Redshift) in. */
  get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.id);
  }
}

/** Terraform's cidrsubnet() for IPv4, computed here so the plan and the tests show literal ranges. */
export function cidrSubnet(cidr: string, newBits: number, netNum: number): string {
  const [address, prefixText] = cidr.split("/") as [string, string];
  const prefix = Number(prefixText) + newBits;
  const base = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const value = base + netNum * 2 ** (32 - prefix);
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function validate(props: NetworkProps): void {
  const problems: string[] = [];
  const cidr = props.cidrBlock;
  if (cidr !== undefined) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const prefix = m ? Number(m[5]) : 0;
    const aligned =
      m !== null &&
      octets.every((o) => o <= 255) &&
      octets.reduce((n, o) => n * 256 + o, 0) % 2 ** (32 - prefix) === 0;
    if (!m || prefix < 16 || prefix > 24 || !aligned)
      problems.push(`cidrBlock "${cidr}" must be an aligned IPv4 range from /16 to /24`);
  }
  const azs = props.availabilityZoneCount;
  if (azs !== undefined && ![2, 3].includes(azs))
    problems.push(`availabilityZoneCount must be 2 or 3, got ${azs}`);
  const endpoints = props.interfaceEndpoints ?? [];
  for (const e of endpoints)
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(e))
      problems.push(`interfaceEndpoints: "${e}" is not an endpoint service suffix`);
  for (const e of endpoints)
    if (e === "s3" || e === "dynamodb")
      problems.push(`interfaceEndpoints: "${e}" always has a gateway endpoint; do not list it`);
  if (new Set(endpoints).size !== endpoints.length) problems.push("interfaceEndpoints lists a service twice");
  const days = props.flowLogRetentionDays;
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(days))
    problems.push(`flowLogRetentionDays must be one of CloudWatch's retention values, got ${days}`);
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (problems.length > 0) throw new Error(`Network ${props.name}: ${problems.join("; ")}`);
}
