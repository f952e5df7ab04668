import { Fn, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { Network } from "../../modules/network/index.js";
import { SagemakerNotebook } from "../../modules/notebook/index.js";
import { PERSONAS_DEFAULTS } from "../../modules/personas/index.js";
import { QuicksightSources, quicksightServiceRole } from "../../modules/quicksight/index.js";
import { Warehouse } from "../../modules/warehouse/index.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeAnalytics } from "./analytics.js";
import type { LakeParts } from "./context.js";
import type { LakeGovernance } from "./governance.js";

/** Analysis beyond Athena (issue #6): Redshift with Spectrum, QuickSight and SageMaker, in the lake's VPC. */
export interface LakeWarehouse {
  readonly network: Network;
  /** Redshift over the curated zone (features.redshift); undefined when off or where moto lacks it (compat.redshift). */
  readonly redshift?: Warehouse;
  /** QuickSight data sources (features.quicksightAthena, quicksightRedshift); undefined when both are off or in local. */
  readonly quicksight?: QuicksightSources;
  /** The data scientists' notebook (features.sagemaker); undefined when off. */
  readonly notebook?: SagemakerNotebook;
}

export function buildWarehouse(
  scope: Construct,
  parts: LakeParts & { analytics: LakeAnalytics; governance: LakeGovernance },
): LakeWarehouse {
  const { context, env, compat, zones, analytics } = parts;
  const features = env.features;
  const network = parts.network;

  const redshift =
    features.redshift !== "off" && compat.redshift
      ? new Warehouse(scope, "redshift", {
          context,
          engine: features.redshift,
          names: {
            namespace: physicalName(env.prefix, ["warehouse"]),
            workgroup: physicalName(env.prefix, ["warehouse"]),
            role: physicalName(env.prefix, ["redshift"], NAME_LIMITS.iamRole),
          },
          ...(features.redshift === "provisioned"
            ? { cluster: { nodeType: features.redshiftNodeType, nodeCount: features.redshiftNodes } }
            : {}),
          network,
          curated: zones.curated,
          catalog: analytics.catalog,
          // The rule: the warehouse admits the VPC and, with QuickSight on, QuickSight's range for the region.
          quicksightIngress: features.quicksightRedshift && compat.quicksight,
        })
      : undefined;

  // `make warehouse/schema` reads the admin secret through the Data API as whoever runs it: the key delegates that to
  // IAM (the account, through Secrets Manager only), so secretsmanager:GetSecretValue on the secret decides who may.
  redshift?.allowAdminSecretDecrypt("AccountReadsAdminSecretThroughSecretsManager", context.rootArn);

  // QuickSight needs an account subscription (Enterprise for the VPC connection) that Terraform does not create.
  const quicksightOn = (features.quicksightAthena || features.quicksightRedshift) && compat.quicksight;
  const quicksight = quicksightOn
    ? new QuicksightSources(scope, "quicksight", {
        context,
        names: {
          prefix: env.prefix,
          vpcConnectionRole: physicalName(env.prefix, ["quicksight-vpc"], NAME_LIMITS.iamRole),
        },
        athena: features.quicksightAthena,
        workgroup: analytics.analysts,
        redshift: features.quicksightRedshift && redshift !== undefined,
        ...(redshift ? { warehouse: redshift } : {}),
      })
    : undefined;

  // QuickSight reads curated through Athena with its own service role, which the account's QuickSight admin gives
  // S3 access in the console; the zone keys must admit it (read curated, read and write Athena's results).
  if (quicksight?.athena) {
    const service = quicksightServiceRole(scope, "quicksight-service-role");
    zones.curated.admitRoleToKey(service, ["kms:Decrypt"], "s3");
    zones.athenaResults.admitRoleToKey(service, ["kms:Decrypt", "kms:GenerateDataKey"], "s3");
  }

  // SageMaker for the data scientists: reads curated, writes their sandbox prefix, queries as an analyst does.
  const notebook = features.sagemaker
    ? new SagemakerNotebook(scope, "notebook", {
        context,
        names: {
          instance: physicalName(env.prefix, ["scientists"], 63),
          role: physicalName(env.prefix, ["notebook"], NAME_LIMITS.iamRole),
        },
        network,
        curated: zones.curated,
        catalog: analytics.catalog,
        workgroup: analytics.analysts,
        sandboxPrefix: PERSONAS_DEFAULTS.scientistPrefix,
        ...(compat.sagemakerLifecycleConfig ? {} : { idleStopMinutes: 0 }),
      })
    : undefined;
  if (notebook) {
    const scientist = parts.governance.personas.policies.scientist;
    notebook.grantUse(scientist);
    new TerraformOutput(scope, "notebook_instance_name", { value: notebook.instance.name });
  }

  new TerraformOutput(scope, "vpc_id", { value: network.vpc.id });
  new TerraformOutput(scope, "vpc_private_subnet_ids", { value: Fn.join(",", network.privateSubnetIds) });
  new TerraformOutput(scope, "lambda_security_group_id", { value: network.lambdaSecurityGroup.id });
  if (redshift) {
    if (redshift.serverless)
      new TerraformOutput(scope, "redshift_workgroup_name", {
        value: redshift.serverless.workgroup.workgroupName,
      });
    if (redshift.provisioned)
      new TerraformOutput(scope, "redshift_cluster_identifier", {
        value: redshift.provisioned.cluster.clusterIdentifier,
      });
    new TerraformOutput(scope, "redshift_endpoint_host", { value: redshift.endpoint.host });
    new TerraformOutput(scope, "redshift_database_name", { value: redshift.endpoint.database });
    new TerraformOutput(scope, "redshift_admin_secret_arn", { value: redshift.adminSecretArn });
    new TerraformOutput(scope, "redshift_role_arn", { value: redshift.role.arn });
    new TerraformOutput(scope, "redshift_external_schema_sql", { value: redshift.externalSchemaSql() });
  }
  if (quicksight?.athena)
    new TerraformOutput(scope, "quicksight_athena_data_source_arn", { value: quicksight.athena.arn });
  if (quicksight?.redshift)
    new TerraformOutput(scope, "quicksight_redshift_data_source_arn", {
      value: quicksight.redshift.dataSource.arn,
    });
  return { network, redshift, quicksight, notebook };
}
