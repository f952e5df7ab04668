import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SagemakerNotebookInstance } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance";
import { SagemakerNotebookInstanceLifecycleConfiguration } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance-lifecycle-configuration";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Construct } from "constructs";
import { projectRoot } from "../../src/core/paths.js";
import {
  type Grantee,
  keyAdminStatement,
  logsKeyStatement,
  serviceTrustStatement,
} from "../aws-context/index.js";
import { LOG_RETENTION_DAYS } from "../network/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { NOTEBOOK_DEFAULTS as DEFAULTS, type SagemakerNotebookProps } from "./notebook-props.js";

/**
 * The scripts shipped with this module. From the project root, not import.meta.url: the app runs bundled
 * (dist/main.cjs), where that points at dist/.
 */
export const ON_START_SCRIPT_FILE = join(projectRoot(), "modules", "notebook", "on-start.sh");
export const IDLE_STOP_SCRIPT_FILE = join(projectRoot(), "modules", "notebook", "idle-stop.py");

/** SageMaker's limit on one lifecycle script, base64-encoded. */
export const LIFECYCLE_SCRIPT_LIMIT = 16_384;

/**
 * Interface endpoints the notebook needs besides the network's defaults (athena, glue, logs, …):
 * `sagemaker.api` for StopNotebookInstance (the idle stop) and the SageMaker SDK.
 */
export const NOTEBOOK_INTERFACE_ENDPOINTS = ["sagemaker.api"] as const;

/** Interface endpoints the notebook cannot work without when the VPC has no NAT gateway. */
const REQUIRED_ENDPOINTS = ["athena", "glue", "logs"] as const;

/**
 * What SageMaker does with the execution role to put the instance's network interface in our subnet that the AWS
 * API accepts on "*" only: EC2 Describe calls (no resource type).
 */
export const NOTEBOOK_WILDCARD_ACTIONS = [
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
] as const;

/** What the execution role does with the notebook's own key: SageMaker encrypts the ML storage volume with it. */
const VOLUME_KEY_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
];

/** Open, start and stop the notebook (the data scientist persona). */
const USE_ACTIONS = [
  "sagemaker:CreatePresignedNotebookInstanceUrl",
  "sagemaker:DescribeNotebookInstance",
  "sagemaker:StartNotebookInstance",
  "sagemaker:StopNotebookInstance",
];

/**
 * A SageMaker notebook instance for the data scientists, inside the lake's network and access model: one private
 * subnet, its own security group (HTTPS out to the VPC's endpoints and the S3 gateway only, nothing in), no direct
 * internet access, no root access, IMDSv2 only, its ML storage volume encrypted with its own rotating key, a
 * current Amazon Linux 2 / JupyterLab 4 platform, and (by default) a lifecycle configuration that stops it after
 * an idle hour. Its execution role, trusted by SageMaker of this account only, reads the curated zone and its Glue
 * database, writes only the sandbox prefix of curated, queries in one Athena workgroup, writes its own logs, and
 * holds the network-interface rights SageMaker needs in a VPC. Every security setting is applied after the
 * caller's props. `grantUse` lets a persona open, start and stop it.
 */
export class SagemakerNotebook extends Construct {
  readonly instance: SagemakerNotebookInstance;
  readonly role: IamRole;
  readonly policy: RolePolicy;
  readonly key: KmsKey;
  readonly securityGroup: SecurityGroup;
  /** The subnet the instance sits in. */
  readonly subnet: Subnet;
  /** Undefined when `createLogGroup` is false. */
  readonly logGroup?: CloudwatchLogGroup;
  /** Undefined when `idleStopMinutes` is 0. */
  readonly lifecycleConfiguration?: SagemakerNotebookInstanceLifecycleConfiguration;
  /** The curated prefix the notebook writes. */
  readonly sandboxPrefix: string;

  constructor(scope: Construct, id: string, props: SagemakerNotebookProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    const name = props.names.instance;
    this.sandboxPrefix = props.sandboxPrefix ?? DEFAULTS.sandboxPrefix;
    this.subnet = props.network.privateSubnets[props.subnetIndex ?? DEFAULTS.subnetIndex] as Subnet;
    const idleMinutes = props.idleStopMinutes ?? DEFAULTS.idleStopMinutes;
    const createLogGroup = props.createLogGroup ?? DEFAULTS.createLogGroup;
    const logGroupArn = aws.arn("logs", `log-group:${DEFAULTS.logGroupName}`);
    const instanceArn = aws.arn("sagemaker", `notebook-instance/${name}`);

    // Build: the execution role, trusted by SageMaker of this account only.
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [serviceTrustStatement(aws, ["sagemaker"])],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.role,
      description: `event-lake notebook ${name}: reads curated, writes ${this.sandboxPrefix} of it, queries Athena`,
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(this, "policy", { role: this.role, policyName: "event-lake-notebook" });
    const inline = this.policy.node.findChild("policy");
    if (!(inline instanceof IamRolePolicy))
      throw new Error("RolePolicy no longer holds its IamRolePolicy as 'policy'");

    // Build: the key of the ML storage volume (and of the log group, when this construct owns it).
    const keyStatements: DataAwsIamPolicyDocumentStatement[] = [
      keyAdminStatement(aws),
      {
        sid: "NotebookVolume",
        principals: [{ type: "AWS", identifiers: [this.role.arn] }],
        actions: VOLUME_KEY_ACTIONS,
        // In a key policy "*" is this key.
        resources: ["*"],
      },
      {
        sid: "NotebookVolumeGrants",
        principals: [{ type: "AWS", identifiers: [this.role.arn] }],
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
      },
    ];
    if (createLogGroup)
      keyStatements.push(logsKeyStatement(aws, "CloudWatchLogsEncryptNotebookLogs", [logGroupArn]));
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", { statement: keyStatements });
    this.key = new KmsKey(this, "key", {
      description: `event-lake notebook ${name}: ML storage volume and logs`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${name}`, targetKeyId: this.key.keyId });

    // Build: the log group SageMaker writes every notebook's logs to, with a retention.
    if (createLogGroup)
      this.logGroup = new CloudwatchLogGroup(this, "log-group", {
        name: DEFAULTS.logGroupName,
        retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
        kmsKeyId: this.key.arn,
      });

    // Build: the security group: nothing in, HTTPS out to the interface endpoints and the S3 gateway endpoint.
    const network = props.network;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: "SageMaker notebook: HTTPS out to the AWS endpoints in the VPC only, nothing in",
      vpcId: network.vpc.id,
      ingress: [],
      egress: [
        {
          description: "HTTPS to the interface endpoints in the VPC",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [network.vpc.cidrBlock],
        },
        {
          description: "HTTPS to the S3 gateway endpoint",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListIds: [network.gatewayEndpoints.s3.prefixListId],
        },
      ],
    });

    // Build: the idle stop.
    if (idleMinutes > 0)
      this.lifecycleConfiguration = new SagemakerNotebookInstanceLifecycleConfiguration(this, "lifecycle", {
        name,
        onStart: Buffer.from(renderOnStartScript(idleMinutes)).toString("base64"),
      });

    // Build: the instance, with every security setting after the caller's props.
    this.instance = new SagemakerNotebookInstance(this, "instance", {
      name,
      instanceType: props.instanceType ?? DEFAULTS.instanceType,
      volumeSize: props.volumeSizeGb ?? DEFAULTS.volumeSizeGb,
      platformIdentifier: props.platformIdentifier ?? DEFAULTS.platformIdentifier,
      lifecycleConfigName: this.lifecycleConfiguration?.name,
      roleArn: this.role.arn,
      subnetId: this.subnet.id,
      securityGroups: [this.securityGroup.id],
      directInternetAccess: "Disabled",
      rootAccess: "Disabled",
      kmsKeyId: this.key.arn,
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      // SageMaker creates the network interface and writes the first logs as the role: its policy comes first.
      dependsOn: [inline, ...(this.logGroup ? [this.logGroup] : [])],
    });

    // Wire: data.
    props.curated.grantRead(this.policy);
    props.curated.grantWrite(this.policy, this.sandboxPrefix);
    props.catalog.grantReadCatalog(this.policy, "curated");
    props.workgroup.grantQuery(this.policy);

    // Wire: the volume key, the logs, the network interface, the idle stop.
    const interfaces = aws.arn("ec2", "network-interface/*");
    this.policy.addStatements(
      { sid: "NotebookVolumeKey", actions: VOLUME_KEY_ACTIONS, resources: [this.key.arn] },
      {
        sid: "NotebookVolumeKeyGrants",
        actions: ["kms:CreateGrant"],
        resources: [this.key.arn],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
      },
      {
        // CloudWatch Logs authorizes CreateLogStream and DescribeLogStreams on the group; PutLogEvents on the stream,
        // so writing is scoped to this instance's streams (`<instance>/jupyter.log`, `<instance>/LifecycleConfigOnStart`).
        sid: "NotebookLogStreams",
        actions: [
          "logs:CreateLogStream",
          "logs:DescribeLogStreams",
          ...(createLogGroup ? [] : ["logs:CreateLogGroup"]),
        ],
        resources: [logGroupArn, `${logGroupArn}:*`],
      },
      {
        sid: "NotebookLogEvents",
        actions: ["logs:PutLogEvents"],
        resources: [`${logGroupArn}:log-stream:${name}/*`],
      },
      {
        sid: "CreateNetworkInterface",
        actions: ["ec2:CreateNetworkInterface"],
        resources: [interfaces, this.subnet.arn, this.securityGroup.arn],
      },
      {
        // DeleteNetworkInterfacePermission too: the Service Authorization Reference lists network-interface for it.
        sid: "ManageNetworkInterfaces",
        actions: [
          "ec2:CreateNetworkInterfacePermission",
          "ec2:DeleteNetworkInterface",
          "ec2:DeleteNetworkInterfacePermission",
        ],
        resources: [interfaces],
        // Only the interface in the notebook's subnet, not every interface of the account and region.
        condition: [{ test: "ArnEquals", variable: "ec2:Subnet", values: [this.subnet.arn] }],
      },
      {
        sid: "DescribeNetwork",
        actions: [...NOTEBOOK_WILDCARD_ACTIONS],
        // EC2 Describe calls: the API accepts only "*".
        resources: ["*"],
      },
    );
    if (this.lifecycleConfiguration)
      this.policy.addStatements({
        sid: "StopWhenIdle",
        actions: ["sagemaker:StopNotebookInstance"],
        // Built from the name, not the instance's arn attribute: the instance depends on this policy.
        resources: [instanceArn],
      });
  }

  /** Open (presigned URL), describe, start and stop this notebook instance. */
  grantUse(grantee: Grantee): void {
    grantee.addStatements({ actions: USE_ACTIONS, resources: [this.instance.arn] });
  }
}

/** The lifecycle configuration's on-start script: installs the idle-stop script and its cron entry. */
export function renderOnStartScript(idleMinutes: number): string {
  const python = readFileSync(IDLE_STOP_SCRIPT_FILE, "utf8");
  return readFileSync(ON_START_SCRIPT_FILE, "utf8")
    .replace("{{idle_stop_py}}", python.endsWith("\n") ? python : `${python}\n`)
    .replaceAll("{{idle_minutes}}", String(idleMinutes))
    .replaceAll("{{check_minutes}}", String(DEFAULTS.idleCheckMinutes));
}

function validate(props: SagemakerNotebookProps): void {
  const problems: string[] = [];
  const name = props.names.instance;
  if (!/^[a-z0-9](-*[a-z0-9]){0,62}$/.test(name))
    problems.push(
      `names.instance "${name}" must be 1-63 lower-case letters, digits or "-", not at either end`,
    );
  if (!/^[\w+=,.@-]{1,64}$/.test(props.names.role))
    problems.push(`names.role "${props.names.role}" must be 1-64 letters, digits or +=,.@_-`);
  const prefix = props.sandboxPrefix;
  if (prefix !== undefined && !/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9_-]+)*\/$/.test(prefix))
    problems.push(`sandboxPrefix "${prefix}" must be a lower-case key prefix ending in "/", e.g. "sandbox/"`);
  const type = props.instanceType;
  if (type !== undefined && !/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(type))
    problems.push(`instanceType "${type}" must be an ML instance type such as "ml.t3.medium"`);
  const size = props.volumeSizeGb;
  if (size !== undefined && (!Number.isInteger(size) || size < 5 || size > 16_384))
    problems.push(`volumeSizeGb must be a whole number from 5 to 16384, got ${size}`);
  const platform = props.platformIdentifier;
  if (platform !== undefined && !(DEFAULTS.platformIdentifiers as readonly string[]).includes(platform))
    problems.push(
      `platformIdentifier "${platform}" must be one of ${DEFAULTS.platformIdentifiers.join(", ")} (the pinned provider accepts no newer one)`,
    );
  const subnets = props.network.privateSubnets.length;
  const index = props.subnetIndex;
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index >= subnets))
    problems.push(`subnetIndex must be 0 to ${subnets - 1} (the network's private subnets), got ${index}`);
  const idle = props.idleStopMinutes;
  if (
    idle !== undefined &&
    (!Number.isInteger(idle) || (idle !== 0 && (idle < DEFAULTS.idleCheckMinutes || idle > 1440)))
  )
    problems.push(`idleStopMinutes must be 0 (never stop) or a whole number from 5 to 1440, got ${idle}`);
  const days = props.logRetentionDays;
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(days))
    problems.push(`logRetentionDays must be one of CloudWatch's retention values, got ${days}`);
  if (days !== undefined && props.createLogGroup === false)
    problems.push(
      "logRetentionDays applies only to a log group this construct creates (createLogGroup is false)",
    );
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (!props.network.natGateway) {
    const needed = [
      ...REQUIRED_ENDPOINTS,
      ...((idle ?? DEFAULTS.idleStopMinutes) > 0 ? NOTEBOOK_INTERFACE_ENDPOINTS : []),
    ];
    const missing = needed.filter((e) => props.network.interfaceEndpoints[e] === undefined);
    if (missing.length > 0)
      problems.push(
        `network has no interface endpoint for ${missing.join(", ")} and no NAT gateway: the notebook cannot reach them (sagemaker.api is for the idle stop)`,
      );
  }
  if (problems.length > 0) throw new Error(`SagemakerNotebook ${name}: ${problems.join("; ")}`);
}
