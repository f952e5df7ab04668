import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { RedshiftCluster } from "@cdktf/provider-aws/lib/redshift-cluster";
import { RedshiftLogging } from "@cdktf/provider-aws/lib/redshift-logging";
import { RedshiftParameterGroup } from "@cdktf/provider-aws/lib/redshift-parameter-group";
import { RedshiftSubnetGroup } from "@cdktf/provider-aws/lib/redshift-subnet-group";
import { RedshiftserverlessNamespace } from "@cdktf/provider-aws/lib/redshiftserverless-namespace";
import { RedshiftserverlessUsageLimit } from "@cdktf/provider-aws/lib/redshiftserverless-usage-limit";
import { RedshiftserverlessWorkgroup } from "@cdktf/provider-aws/lib/redshiftserverless-workgroup";
import { SecurityGroup, type SecurityGroupIngress } from "@cdktf/provider-aws/lib/security-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../../src/core/paths.js";
import { keyAdminStatement, serviceTrustStatement } from "../aws-context/index.js";
import type { Network } from "../network/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { QUICKSIGHT_IP_RANGES } from "./quicksight-ip-ranges.js";
import {
  WAREHOUSE_DEFAULTS as DEFAULTS,
  MAX_NODE_COUNT,
  REDSHIFT_NODE_TYPES,
  type WarehouseEngine,
  type WarehouseProps,
} from "./warehouse-props.js";

/**
 * The external-schema SQL shipped with this module, with its placeholders. From the project root, not
 * import.meta.url: the app runs bundled (dist/main.cjs), where that points at dist/.
 */
export const EXTERNAL_SCHEMA_SQL_FILE = join(projectRoot(), "modules", "warehouse", "external-schema.sql");

/** The workgroup's configuration: require_ssl and user-activity logging on, the rest at AWS's defaults. */
export const CONFIG_PARAMETERS: Readonly<Record<string, string>> = {
  auto_mv: "true",
  datestyle: "ISO, MDY",
  enable_case_sensitive_identifier: "false",
  enable_user_activity_logging: "true",
  max_query_execution_time: "14400",
  query_group: "default",
  require_ssl: "true",
  search_path: "$user, public",
  use_fips_ssl: "false",
};

/** The cluster's parameter group: only what differs from Redshift's defaults (the group tracks nothing else). */
export const CLUSTER_PARAMETERS: Readonly<Record<string, string>> = {
  enable_user_activity_logging: "true",
  require_ssl: "true",
};

/** Where clients connect, whichever engine is built. */
export interface WarehouseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** The Redshift Serverless resources (`engine: "serverless"`). */
export interface ServerlessParts {
  readonly namespace: RedshiftserverlessNamespace;
  readonly workgroup: RedshiftserverlessWorkgroup;
  readonly usageLimit: RedshiftserverlessUsageLimit;
}

/** The provisioned cluster's resources (`engine: "provisioned"`). */
export interface ProvisionedParts {
  readonly cluster: RedshiftCluster;
  readonly subnetGroup: RedshiftSubnetGroup;
  readonly parameterGroup: RedshiftParameterGroup;
  readonly logging: RedshiftLogging;
}

/**
 * Redshift over the curated zone, Serverless by default or a provisioned cluster. Either way: its own rotating key
 * (encrypting the data and the Secrets Manager secret holding the generated admin password), connection, user and
 * user-activity logs exported, the private subnets, not publicly accessible, enhanced VPC routing, require_ssl, a
 * security group admitting the VPC's CIDR on the port (plus QuickSight's range of the region, if asked), and the
 * role Spectrum and COPY use, reading only the curated zone and its Glue database. Serverless adds a base capacity
 * and a usage limit; the cluster adds a subnet group, a parameter group, snapshot retention and a final snapshot.
 * Consumers connect through `endpoint`, `securityGroup` and `adminSecretArn`, which do not depend on the engine.
 * Leave it out where the engine does not exist (moto): the stack decides, through its compatibility settings.
 */
export class Warehouse extends Construct {
  readonly engine: WarehouseEngine;
  /** Set with `engine: "serverless"`. */
  readonly serverless?: ServerlessParts;
  /** Set with `engine: "provisioned"`. */
  readonly provisioned?: ProvisionedParts;
  readonly endpoint: WarehouseEndpoint;
  /** The Secrets Manager secret Redshift manages for the admin user (username and password), encrypted with `key`. */
  readonly adminSecretArn: string;
  readonly role: IamRole;
  readonly policy: RolePolicy;
  readonly key: KmsKey;
  readonly securityGroup: SecurityGroup;
  readonly network: Network;
  private readonly props: WarehouseProps;
  private readonly keyPolicy: DataAwsIamPolicyDocument;
  private readonly keyStatements: DataAwsIamPolicyDocumentStatement[];
  private readonly ingress: SecurityGroupIngress[];

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    // Validate.
    validate(props);
    this.props = props;
    this.network = props.network;
    this.engine = props.engine ?? DEFAULTS.engine;
    const serverless = this.engine === "serverless";
    const aws = props.context;
    const vpcCidr = props.network.vpc.cidrBlock;
    const clusterId = props.names.cluster ?? props.names.namespace;
    const database = props.databaseName ?? DEFAULTS.databaseName;
    const adminUsername = props.adminUsername ?? DEFAULTS.adminUsername;

    // Build: the key.
    this.keyStatements = [keyAdminStatement(aws)];
    this.keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", { statement: this.keyStatements });
    this.key = new KmsKey(this, "key", {
      description: serverless
        ? `event-lake Redshift Serverless ${props.names.namespace}`
        : `event-lake Redshift cluster ${clusterId}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: this.keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${serverless ? props.names.namespace : clusterId}`,
      targetKeyId: this.key.keyId,
    });

    // Build: the Spectrum/COPY role, reading the curated zone and its catalog database only.
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [serviceTrustStatement(aws, ["redshift", "redshift-serverless"])],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.role,
      description: "event-lake Redshift Spectrum and COPY: reads the curated zone and its Glue database",
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(this, "policy", { role: this.role });
    props.curated.grantRead(this.policy);
    props.catalog.grantReadCatalog(this.policy, "curated");

    // Build: the namespace (serverless), then the security group every engine sits behind.
    const namespace = serverless
      ? new RedshiftserverlessNamespace(this, "namespace", {
          namespaceName: props.names.namespace,
          dbName: database,
          adminUsername,
          manageAdminPassword: true,
          adminPasswordSecretKmsKeyId: this.key.arn,
          kmsKeyId: this.key.arn,
          iamRoles: [this.role.arn],
          defaultIamRoleArn: this.role.arn,
          logExports: [...DEFAULTS.logExports],
        })
      : undefined;
    this.ingress = [
      {
        description: "Redshift from the VPC",
        protocol: "tcp",
        fromPort: DEFAULTS.port,
        toPort: DEFAULTS.port,
        cidrBlocks: [vpcCidr],
      },
    ];
    const quicksightIngress = props.quicksightIngress ?? DEFAULTS.quicksightIngress;
    if (quicksightIngress)
      this.ingress.push({
        description: "Redshift from the QuickSight address range of the region",
        protocol: "tcp",
        fromPort: DEFAULTS.port,
        toPort: DEFAULTS.port,
        // The region is a data source's attribute, known at plan: a lookup in the table, guarded below.
        cidrBlocks: [Fn.lookup(QUICKSIGHT_IP_RANGES, aws.region)],
      });
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: serverless ? props.names.workgroup : clusterId,
      description: serverless
        ? "Redshift Serverless: clients from inside the VPC only"
        : "Redshift cluster: clients from inside the VPC only",
      vpcId: props.network.vpc.id,
      ingress: this.ingress,
      egress: [
        {
          description: "HTTPS to the VPC's endpoints (Glue, KMS, STS)",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [vpcCidr],
        },
        {
          description: "HTTPS to the S3 gateway endpoint (Spectrum, COPY)",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListIds: [props.network.gatewayEndpoints.s3.prefixListId],
        },
      ],
      // A region without a row fails the plan here, naming the fix, rather than opening the port any wider.
      lifecycle: quicksightIngress
        ? {
            precondition: [
              {
                condition: Fn.contains(Fn.keys(QUICKSIGHT_IP_RANGES), aws.region),
                errorMessage: `No QuickSight address range for region ${aws.region}: add it to modules/warehouse/quicksight-ip-ranges.ts (from the QuickSight user guide's regions page), or set quicksightIngress: false.`,
              },
            ],
          }
        : undefined,
    });

    if (namespace) {
      // Build: the serverless workgroup and its usage limit.
      const workgroup = new RedshiftserverlessWorkgroup(this, "workgroup", {
        workgroupName: props.names.workgroup,
        namespaceName: namespace.namespaceName,
        baseCapacity: props.baseCapacity ?? DEFAULTS.baseCapacity,
        port: DEFAULTS.port,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        subnetIds: props.network.privateSubnetIds,
        securityGroupIds: [this.securityGroup.id],
        // Every key AWS returns, at its default except where security says otherwise: a partial list shows up as a
        // perpetual diff (hashicorp/terraform-provider-aws#33916).
        configParameter: Object.entries(CONFIG_PARAMETERS).map(([parameterKey, parameterValue]) => ({
          parameterKey,
          parameterValue,
        })),
      });
      const limit = props.usageLimit;
      const usageLimit = new RedshiftserverlessUsageLimit(this, "usage-limit", {
        resourceArn: workgroup.arn,
        usageType: "serverless-compute",
        amount: limit?.rpuHours ?? DEFAULTS.usageLimit.rpuHours,
        period: limit?.period ?? DEFAULTS.usageLimit.period,
        breachAction: limit?.breachAction ?? DEFAULTS.usageLimit.breachAction,
      });
      this.serverless = { namespace, workgroup, usageLimit };
      this.endpoint = { host: workgroup.endpoint.get(0).address, port: DEFAULTS.port, database };
      this.adminSecretArn = namespace.adminPasswordSecretArn;
    } else {
      // Build: the provisioned cluster, its subnet group, parameter group and audit logging.
      const size = props.cluster;
      const nodeCount = size?.nodeCount ?? DEFAULTS.cluster.nodeCount;
      const subnetGroup = new RedshiftSubnetGroup(this, "subnet-group", {
        name: clusterId,
        description: "event-lake Redshift cluster: the private subnets",
        subnetIds: props.network.privateSubnetIds,
      });
      const parameterGroup = new RedshiftParameterGroup(this, "parameter-group", {
        name: clusterId,
        description: "event-lake Redshift cluster: require_ssl and user-activity logging",
        family: DEFAULTS.parameterGroupFamily,
        parameter: Object.entries(CLUSTER_PARAMETERS).map(([name, value]) => ({ name, value })),
      });
      const cluster = new RedshiftCluster(this, "cluster", {
        clusterIdentifier: clusterId,
        nodeType: size?.nodeType ?? DEFAULTS.cluster.nodeType,
        clusterType: nodeCount > 1 ? "multi-node" : "single-node",
        numberOfNodes: nodeCount,
        databaseName: database,
        masterUsername: adminUsername,
        manageMasterPassword: true,
        masterPasswordSecretKmsKeyId: this.key.arn,
        encrypted: true,
        kmsKeyId: this.key.arn,
        port: DEFAULTS.port,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        clusterSubnetGroupName: subnetGroup.name,
        clusterParameterGroupName: parameterGroup.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        iamRoles: [this.role.arn],
        defaultIamRoleArn: this.role.arn,
        automatedSnapshotRetentionPeriod:
          size?.snapshotRetentionDays ?? DEFAULTS.cluster.snapshotRetentionDays,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${clusterId}-final`,
      });
      // The provider deprecates the cluster's own logging block in favour of this resource.
      const logging = new RedshiftLogging(this, "logging", {
        clusterIdentifier: cluster.clusterIdentifier,
        logDestinationType: "cloudwatch",
        logExports: [...DEFAULTS.logExports],
      });
      this.provisioned = { cluster, subnetGroup, parameterGroup, logging };
      this.endpoint = { host: cluster.dnsName, port: DEFAULTS.port, database };
      this.adminSecretArn = cluster.masterPasswordSecretArn;
    }
  }

  /** The external-schema SQL for this warehouse's curated database, role and region. */
  externalSchemaSql(): string {
    return readFileSync(EXTERNAL_SCHEMA_SQL_FILE, "utf8")
      .replaceAll("{{database}}", this.props.catalog.databases.curated.name)
      .replaceAll("{{role_arn}}", this.role.arn)
      .replaceAll("{{region}}", this.props.context.region);
  }

  /**
   * Admit clients in another security group of the VPC on the warehouse port (e.g. a QuickSight VPC connection's).
   * An inline rule of the warehouse's group: a separate aws_vpc_security_group_ingress_rule would fight the inline
   * rules the group already has (each apply would remove it).
   */
  admitFrom(group: SecurityGroup, description: string): void {
    this.ingress.push({
      description,
      protocol: "tcp",
      fromPort: DEFAULTS.port,
      toPort: DEFAULTS.port,
      securityGroups: [group.id],
    });
    this.securityGroup.putIngress(this.ingress);
  }

  /**
   * Let a role that this stack does not manage read the admin secret: a key-policy statement allowing it
   * kms:Decrypt through Secrets Manager only. The role still needs secretsmanager:GetSecretValue on the secret in
   * its own policy. Not narrowed to the secret's ARN (kms:EncryptionContext:SecretARN): that ARN is known only
   * after the namespace or cluster, which needs this key first.
   */
  allowAdminSecretDecrypt(sid: string, principalArn: string): void {
    if (!/^[A-Za-z0-9]+$/.test(sid)) throw new Error(`Warehouse: statement id "${sid}" must be alphanumeric`);
    if (this.keyStatements.some((s) => s.sid === sid))
      throw new Error(`Warehouse: key policy statement "${sid}" exists`);
    const aws = this.props.context;
    this.keyStatements.push({
      sid,
      principals: [{ type: "AWS", identifiers: [principalArn] }],
      actions: ["kms:Decrypt"],
      // In a key policy "*" is this key.
      resources: ["*"],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`secretsmanager.${aws.region}.${aws.dnsSuffix}`],
        },
      ],
    });
    this.keyPolicy.putStatement(this.keyStatements);
  }
}

function validate(props: WarehouseProps): void {
  const problems: string[] = [];
  const engine = props.engine ?? DEFAULTS.engine;
  const name = /^[a-z0-9-]{3,64}$/;
  if (!name.test(props.names.namespace))
    problems.push(
      `names.namespace "${props.names.namespace}" must be 3-64 lower-case letters, digits or "-"`,
    );
  if (!name.test(props.names.workgroup))
    problems.push(
      `names.workgroup "${props.names.workgroup}" must be 3-64 lower-case letters, digits or "-"`,
    );
  if (!["serverless", "provisioned"].includes(engine))
    problems.push(`engine must be "serverless" or "provisioned", got "${engine}"`);
  if (engine === "provisioned") {
    const cluster = props.names.cluster ?? props.names.namespace;
    // 1-63, a letter first, no "--", no "-" last; "-final" (the final snapshot) must fit in 255.
    if (!/^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(cluster) || cluster.endsWith("-"))
      problems.push(
        `names.cluster "${cluster}" must be 1-63 lower-case letters, digits or single "-", starting with a letter and not ending with "-"`,
      );
    const nodeType = props.cluster?.nodeType ?? DEFAULTS.cluster.nodeType;
    const known = REDSHIFT_NODE_TYPES[nodeType];
    if (!known)
      problems.push(
        `cluster.nodeType "${nodeType}" is not one of ${Object.keys(REDSHIFT_NODE_TYPES).join(", ")}`,
      );
    const count = props.cluster?.nodeCount;
    if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > MAX_NODE_COUNT))
      problems.push(`cluster.nodeCount must be a whole number from 1 to ${MAX_NODE_COUNT}, got ${count}`);
    else if (known && (count ?? DEFAULTS.cluster.nodeCount) < known.minNodes)
      problems.push(
        `cluster.nodeCount: ${nodeType} runs multi-node only (at least ${known.minNodes} nodes), got ${count}`,
      );
    const days = props.cluster?.snapshotRetentionDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 35))
      problems.push(`cluster.snapshotRetentionDays must be 1 to 35, got ${days}`);
    if (props.baseCapacity !== undefined) problems.push('baseCapacity applies to engine "serverless" only');
    if (props.usageLimit !== undefined) problems.push('usageLimit applies to engine "serverless" only');
  } else {
    if (props.cluster !== undefined) problems.push('cluster applies to engine "provisioned" only');
    if (props.names.cluster !== undefined)
      problems.push('names.cluster applies to engine "provisioned" only');
  }
  const capacity = props.baseCapacity;
  if (
    capacity !== undefined &&
    (!Number.isInteger(capacity) || capacity < 8 || capacity > 512 || capacity % 8 !== 0)
  )
    problems.push(`baseCapacity must be 8 to 512 RPUs in steps of 8, got ${capacity}`);
  const hours = props.usageLimit?.rpuHours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 1))
    problems.push(`usageLimit.rpuHours must be a whole number >= 1, got ${hours}`);
  const db = props.databaseName;
  if (db !== undefined && !/^[a-z_][a-z0-9_]{0,126}$/.test(db))
    problems.push(`databaseName "${db}" must be a lower-case Redshift identifier`);
  const admin = props.adminUsername;
  if (admin !== undefined && (!/^[a-z_][a-z0-9_]{0,127}$/.test(admin) || admin === "admin"))
    problems.push(`adminUsername "${admin}" must be a lower-case identifier other than "admin"`);
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (problems.length > 0) throw new Error(`Warehouse ${props.names.namespace}: ${problems.join("; ")}`);
}
