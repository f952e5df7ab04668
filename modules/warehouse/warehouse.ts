import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { RedshiftserverlessNamespace } from "@cdktf/provider-aws/lib/redshiftserverless-namespace";
import { RedshiftserverlessUsageLimit } from "@cdktf/provider-aws/lib/redshiftserverless-usage-limit";
import { RedshiftserverlessWorkgroup } from "@cdktf/provider-aws/lib/redshiftserverless-workgroup";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import { projectRoot } from "../../src/config/index.js";
import { keyAdminStatement } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { WAREHOUSE_DEFAULTS as DEFAULTS, type WarehouseProps } from "./warehouse-props.js";

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

/**
 * Redshift Serverless over the curated zone: a namespace encrypted with its own rotating key (also the key of the
 * Secrets Manager secret holding the generated admin password), exporting connection, user and user-activity
 * logs; a workgroup in the private subnets, not publicly accessible, enhanced VPC routing, require_ssl, with a
 * security group admitting the VPC's CIDR on its port only, a base capacity and a usage limit; and the role
 * Spectrum and COPY use, reading only the curated zone and its Glue database. Leave it out where Redshift
 * Serverless does not exist (moto): the stack decides, through its compatibility settings.
 */
export class Warehouse extends Construct {
  readonly namespace: RedshiftserverlessNamespace;
  readonly workgroup: RedshiftserverlessWorkgroup;
  readonly role: IamRole;
  readonly policy: RolePolicy;
  readonly key: KmsKey;
  readonly securityGroup: SecurityGroup;
  readonly usageLimit: RedshiftserverlessUsageLimit;
  private readonly props: WarehouseProps;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    // Validate.
    validate(props);
    this.props = props;
    const aws = props.context;
    const vpcCidr = props.network.vpc.cidrBlock;

    // Build: the key.
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [keyAdminStatement(aws)],
    });
    this.key = new KmsKey(this, "key", {
      description: `event-lake Redshift Serverless ${props.names.namespace}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.names.namespace}`, targetKeyId: this.key.keyId });

    // Build: the Spectrum/COPY role, reading the curated zone and its catalog database only.
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [
            {
              type: "Service",
              identifiers: [aws.servicePrincipal("redshift"), aws.servicePrincipal("redshift-serverless")],
            },
          ],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.role,
      description: "event-lake Redshift Spectrum and COPY: reads the curated zone and its Glue database",
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(this, "policy", { role: this.role });
    props.curated.grantRead(this.policy);
    props.catalog.grantReadCatalog(this.policy, "curated");

    // Build: the namespace and the workgroup.
    this.namespace = new RedshiftserverlessNamespace(this, "namespace", {
      namespaceName: props.names.namespace,
      dbName: props.databaseName ?? DEFAULTS.databaseName,
      adminUsername: props.adminUsername ?? DEFAULTS.adminUsername,
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: this.key.arn,
      kmsKeyId: this.key.arn,
      iamRoles: [this.role.arn],
      defaultIamRoleArn: this.role.arn,
      logExports: [...DEFAULTS.logExports],
    });
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.names.workgroup,
      description: "Redshift Serverless: clients from inside the VPC only",
      vpcId: props.network.vpc.id,
      ingress: [
        {
          description: "Redshift from the VPC",
          protocol: "tcp",
          fromPort: DEFAULTS.port,
          toPort: DEFAULTS.port,
          cidrBlocks: [vpcCidr],
        },
      ],
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
    });
    this.workgroup = new RedshiftserverlessWorkgroup(this, "workgroup", {
      workgroupName: props.names.workgroup,
      namespaceName: this.namespace.namespaceName,
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
    this.usageLimit = new RedshiftserverlessUsageLimit(this, "usage-limit", {
      resourceArn: this.workgroup.arn,
      usageType: "serverless-compute",
      amount: limit?.rpuHours ?? DEFAULTS.usageLimit.rpuHours,
      period: limit?.period ?? DEFAULTS.usageLimit.period,
      breachAction: limit?.breachAction ?? DEFAULTS.usageLimit.breachAction,
    });
  }

  /** The external-schema SQL for this warehouse's curated database, role and region. */
  externalSchemaSql(): string {
    return readFileSync(EXTERNAL_SCHEMA_SQL_FILE, "utf8")
      .replaceAll("{{database}}", this.props.catalog.databases.curated.name)
      .replaceAll("{{role_arn}}", this.role.arn)
      .replaceAll("{{region}}", this.props.context.region);
  }
}

function validate(props: WarehouseProps): void {
  const problems: string[] = [];
  const name = /^[a-z0-9-]{3,64}$/;
  if (!name.test(props.names.namespace))
    problems.push(
      `names.namespace "${props.names.namespace}" must be 3-64 lower-case letters, digits or "-"`,
    );
  if (!name.test(props.names.workgroup))
    problems.push(
      `names.workgroup "${props.names.workgroup}" must be 3-64 lower-case letters, digits or "-"`,
    );
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
