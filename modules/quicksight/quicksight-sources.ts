import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  QuicksightDataSource,
  type QuicksightDataSourcePermission,
} from "@cdktf/provider-aws/lib/quicksight-data-source";
import { QuicksightVpcConnection } from "@cdktf/provider-aws/lib/quicksight-vpc-connection";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { serviceTrustStatement } from "../aws-context/index.js";
import type { Warehouse } from "../warehouse/index.js";
import {
  DATA_SOURCE_OWNER_ACTIONS,
  DATA_SOURCE_READER_ACTIONS,
  QUICKSIGHT_SOURCES_DEFAULTS as DEFAULTS,
  MAX_PRINCIPALS,
  type QuicksightSourcesProps,
} from "./quicksight-sources-props.js";

/** The Redshift side of the sources: the data source and the network path QuickSight takes to the warehouse. */
export interface RedshiftSourceParts {
  readonly dataSource: QuicksightDataSource;
  readonly vpcConnection: QuicksightVpcConnection;
  readonly securityGroup: SecurityGroup;
  readonly role: IamRole;
}

/**
 * QuickSight data sources over the lake: Athena on the analysts' workgroup, and (optionally) Redshift through a
 * VPC connection in the warehouse's private subnets, with its own security group (out to the warehouse's group on
 * its port only; the warehouse admits it back), a role holding exactly the network-interface permissions a VPC
 * connection needs, SSL on, and the warehouse's managed admin secret as credentials. Each source is shared with the
 * given QuickSight readers and owners. QuickSight itself (the account subscription, Enterprise edition for VPC
 * connections) is not created here: see the README for what the account must already have.
 */
export class QuicksightSources extends Construct {
  readonly athena?: QuicksightDataSource;
  readonly redshift?: RedshiftSourceParts;

  constructor(scope: Construct, id: string, props: QuicksightSourcesProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const prefix = props.names.prefix;
    const permission = permissions(props.readers ?? DEFAULTS.readers, props.owners ?? DEFAULTS.owners);

    // Build: the Athena source.
    if ((props.athena ?? DEFAULTS.athena) && props.workgroup)
      this.athena = new QuicksightDataSource(this, "athena", {
        dataSourceId: `${prefix}-athena`,
        name: `${prefix} curated (Athena)`,
        type: "ATHENA",
        parameters: { athena: { workGroup: props.workgroup.name } },
        permission,
      });

    // Build: the Redshift source and its way into the VPC.
    const roleName = props.names.vpcConnectionRole;
    if ((props.redshift ?? DEFAULTS.redshift) && props.warehouse && roleName)
      this.redshift = this.buildRedshift(props, props.warehouse, roleName, permission);
  }

  private buildRedshift(
    props: QuicksightSourcesProps,
    warehouse: Warehouse,
    roleName: string,
    permission: QuicksightDataSourcePermission[] | undefined,
  ): RedshiftSourceParts {
    const aws = props.context;
    const prefix = props.names.prefix;
    const network = warehouse.network;

    // No inline rules: the one egress rule below is its own resource, so the warehouse's group (which admits this
    // one inline) and this one do not reference each other in a cycle. Terraform removes AWS's default allow-all
    // egress when it creates the group. No ingress: VPC connections created since 2023-04-27 are stateful.
    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${prefix}-quicksight`,
      description: "QuickSight VPC connection: out to the warehouse on its port only",
      vpcId: network.vpc.id,
      tags: { Name: `${prefix}-quicksight` },
    });
    new VpcSecurityGroupEgressRule(this, "security-group-egress", {
      securityGroupId: securityGroup.id,
      description: "Redshift: the warehouse's security group",
      ipProtocol: "tcp",
      fromPort: warehouse.endpoint.port,
      toPort: warehouse.endpoint.port,
      referencedSecurityGroupId: warehouse.securityGroup.id,
    });
    warehouse.admitFrom(securityGroup, "Redshift from the QuickSight VPC connection");

    // The role QuickSight assumes to create, change and delete the connection's network interfaces.
    const trust = new DataAwsIamPolicyDocument(this, "vpc-connection-trust", {
      statement: [
        // No aws:SourceAccount condition: QuickSight does not document setting it when it assumes a VPC
        // connection role, and iam:PassRole already keeps the role to this account's QuickSight.
        serviceTrustStatement(aws, ["quicksight"], { sourceAccount: false }),
      ],
    });
    const role = new IamRole(this, "vpc-connection-role", {
      name: roleName,
      description: "QuickSight VPC connection: its network interfaces in the lake's private subnets",
      assumeRolePolicy: trust.json,
    });
    const interfaces = aws.arn("ec2", "network-interface/*");
    const policyDocument = new DataAwsIamPolicyDocument(this, "vpc-connection-policy-document", {
      statement: [
        {
          sid: "CreateInterfacesInPrivateSubnets",
          actions: ["ec2:CreateNetworkInterface"],
          resources: [interfaces, ...network.privateSubnets.map((s) => s.arn), securityGroup.arn],
        },
        {
          sid: "ManageInterfacesInTheVpc",
          actions: ["ec2:DeleteNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"],
          resources: [interfaces],
          condition: [{ test: "ArnEquals", variable: "ec2:Vpc", values: [network.vpc.arn] }],
        },
        {
          sid: "AttachTheConnectionGroup",
          actions: ["ec2:ModifyNetworkInterfaceAttribute"],
          resources: [securityGroup.arn],
        },
        {
          sid: "DescribeSubnetsAndGroups",
          actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets"],
          // EC2 Describe* calls cannot be scoped to resources.
          resources: ["*"],
        },
      ],
    });
    const rolePolicy = new IamRolePolicy(this, "vpc-connection-policy", {
      name: "quicksight-vpc-connection",
      role: role.name,
      policy: policyDocument.json,
    });
    const vpcConnection = new QuicksightVpcConnection(this, "vpc-connection", {
      vpcConnectionId: `${prefix}-redshift`,
      name: `${prefix} Redshift`,
      roleArn: role.arn,
      securityGroupIds: [securityGroup.id],
      subnetIds: network.privateSubnetIds,
      // QuickSight assumes the role at once: its permissions must be in place first.
      dependsOn: [rolePolicy],
    });

    // QuickSight reads the admin secret through its own Secrets Manager role; the secret's key must let it decrypt.
    const secretsRole = new DataAwsIamRole(this, "secrets-manager-role", {
      name: props.secretsManagerRoleName ?? DEFAULTS.secretsManagerRoleName,
    });
    warehouse.allowAdminSecretDecrypt("QuickSightReadsAdminSecret", secretsRole.arn);

    const endpoint = warehouse.endpoint;
    const dataSource = new QuicksightDataSource(this, "redshift", {
      dataSourceId: `${prefix}-redshift`,
      name: `${prefix} warehouse (Redshift)`,
      type: "REDSHIFT",
      parameters: { redshift: { host: endpoint.host, port: endpoint.port, database: endpoint.database } },
      credentials: { secretArn: warehouse.adminSecretArn },
      // Not a prop: never plain text to the warehouse.
      sslProperties: { disableSsl: false },
      vpcConnectionProperties: { vpcConnectionArn: vpcConnection.arn },
      permission,
      // QuickSight tests the connection on creation: the warehouse must admit the connection's group by then.
      dependsOn: [warehouse.securityGroup],
    });
    return { dataSource, vpcConnection, securityGroup, role };
  }
}

function permissions(
  readers: readonly string[],
  owners: readonly string[],
): QuicksightDataSourcePermission[] | undefined {
  const entries = [
    ...owners.map((principal) => ({ principal, actions: [...DATA_SOURCE_OWNER_ACTIONS] })),
    ...readers.map((principal) => ({ principal, actions: [...DATA_SOURCE_READER_ACTIONS] })),
  ];
  return entries.length > 0 ? entries : undefined;
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[^/\s]+\/\S+$/;

function validate(props: QuicksightSourcesProps): void {
  const problems: string[] = [];
  const athena = props.athena ?? DEFAULTS.athena;
  const redshift = props.redshift ?? DEFAULTS.redshift;
  if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(props.names.prefix))
    problems.push(`names.prefix "${props.names.prefix}" must be 1-100 lower-case letters, digits or "-"`);
  if (!athena && !redshift) problems.push("no data source: set athena or redshift (or leave QuickSight out)");
  if (athena && !props.workgroup) problems.push("athena needs workgroup (the analysts' Athena workgroup)");
  if (redshift && !props.warehouse) problems.push("redshift needs warehouse");
  const vpcRole = props.names.vpcConnectionRole;
  if (redshift && vpcRole === undefined) problems.push("redshift needs names.vpcConnectionRole");
  if (vpcRole !== undefined && !/^[\w+=,.@-]{1,64}$/.test(vpcRole))
    problems.push(`names.vpcConnectionRole "${vpcRole}" must be 1-64 letters, digits or +=,.@_-`);
  const role = props.secretsManagerRoleName;
  if (role !== undefined && !/^[\w+=,.@-]{1,64}$/.test(role))
    problems.push(`secretsManagerRoleName "${role}" must be a role name of 1-64 letters, digits or +=,.@_-`);
  const readers = props.readers ?? DEFAULTS.readers;
  const owners = props.owners ?? DEFAULTS.owners;
  for (const [list, principals] of [
    ["readers", readers],
    ["owners", owners],
  ] as const) {
    for (const p of principals)
      if (!Token.isUnresolved(p) && !PRINCIPAL_ARN.test(p))
        problems.push(`${list}: "${p}" is not a QuickSight user or group ARN`);
    if (new Set(principals).size !== principals.length) problems.push(`${list} lists a principal twice`);
  }
  for (const p of readers.filter((r) => owners.includes(r)))
    problems.push(`"${p}" is in both readers and owners: list it once (owners can read)`);
  if (readers.length + owners.length > MAX_PRINCIPALS)
    problems.push(
      `at most ${MAX_PRINCIPALS} readers and owners together, got ${readers.length + owners.length}`,
    );
  if (problems.length > 0) throw new Error(`QuicksightSources ${props.names.prefix}: ${problems.join("; ")}`);
}
