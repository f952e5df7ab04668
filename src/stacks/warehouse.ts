import { Fn, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AuditTrail } from "../../modules/audit-trail/index.js";
import type { Network } from "../../modules/network/index.js";
import { PERSONAS_DEFAULTS, type Persona, Personas } from "../../modules/personas/index.js";
import { Warehouse } from "../../modules/warehouse/index.js";
import { bucketName, NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeAnalytics } from "./analytics.js";
import type { LakeParts } from "./context.js";

/** Network, Redshift with Spectrum, QuickSight, SageMaker, personas and the audit trail (issue #6). */
export interface LakeWarehouse {
  /** Private subnets and a Lambda security group, for a later change to place functions (and Redshift) in. */
  readonly network: Network;
  readonly personas: Personas;
  readonly trail: AuditTrail;
  /** Redshift Serverless over the curated zone; undefined where it does not exist (moto: compat.redshift). */
  readonly redshift?: Warehouse;
}

/** Physical role names of the personas: what SSO permission sets and humans see. */
const PERSONA_ROLES: Readonly<Record<Persona, string>> = {
  steward: "data-steward",
  engineer: "data-engineer",
  scientist: "data-scientist",
  analyst: "bi-analyst",
};

export function buildWarehouse(
  scope: Construct,
  parts: LakeParts & { analytics: LakeAnalytics },
): LakeWarehouse {
  const { context, env, compat, zones, analytics } = parts;
  const features = env.features;
  const dataZones = {
    drop: zones.drop,
    raw: zones.raw,
    curated: zones.curated,
    quarantine: zones.quarantine,
  };

  const network = parts.network;

  // The scientist's prefix of curated must not be a pipeline's table location.
  const sandbox = PERSONAS_DEFAULTS.scientistPrefix;
  const clash = parts.pipelines.find((p) => `${p.name}/` === sandbox);
  if (clash)
    throw new Error(`pipeline "${clash.name}" would share the data scientists' curated prefix ${sandbox}`);
  const personas = new Personas(scope, "personas", {
    context,
    roleNames: mapValues(PERSONA_ROLES, (role) => physicalName(env.prefix, [role], NAME_LIMITS.iamRole)),
    zones: dataZones,
    catalog: analytics.catalog,
    workgroups: { lake: analytics.workgroup, analysts: analytics.analysts },
    crawlers: Object.values(analytics.chain.crawlers),
    jobs: Object.values(analytics.curated).flatMap((stage) => (stage.job ? [stage.job] : [])),
    quicksight: (features.quicksightAthena || features.quicksightRedshift) && compat.quicksight,
  });

  const trail = new AuditTrail(scope, "audit-trail", {
    context,
    trailName: physicalName(env.prefix, ["audit"]),
    bucketName: bucketName(env.prefix, "trail", env.accountId),
    accessLogs: zones.logs,
    dataEventBuckets: features.trailDataEvents ? Object.values(dataZones) : [],
    enableLogging: compat.cloudtrailLogging,
    denyInsecureTransport: compat.denyInsecureTransport,
    forceDestroy: { enabled: compat.forceDestroyBuckets, acknowledgeDataLoss: compat.forceDestroyBuckets },
  });

  const redshift =
    features.redshift === "serverless" && compat.redshift
      ? new Warehouse(scope, "redshift", {
          context,
          names: {
            namespace: physicalName(env.prefix, ["warehouse"]),
            workgroup: physicalName(env.prefix, ["warehouse"]),
            role: physicalName(env.prefix, ["redshift"], NAME_LIMITS.iamRole),
          },
          network,
          curated: zones.curated,
          catalog: analytics.catalog,
        })
      : undefined;

  for (const [persona, role] of Object.entries(PERSONA_ROLES))
    new TerraformOutput(scope, `${role.replaceAll("-", "_")}_role_arn`, {
      value: personas.roles[persona as Persona].arn,
    });
  new TerraformOutput(scope, "vpc_id", { value: network.vpc.id });
  new TerraformOutput(scope, "vpc_private_subnet_ids", { value: Fn.join(",", network.privateSubnetIds) });
  new TerraformOutput(scope, "lambda_security_group_id", { value: network.lambdaSecurityGroup.id });
  new TerraformOutput(scope, "audit_trail_arn", { value: trail.trail.arn });
  new TerraformOutput(scope, "audit_trail_bucket_name", { value: trail.bucket.bucket.bucket });
  if (redshift) {
    new TerraformOutput(scope, "redshift_workgroup_name", { value: redshift.workgroup.workgroupName });
    new TerraformOutput(scope, "redshift_role_arn", { value: redshift.role.arn });
    new TerraformOutput(scope, "redshift_external_schema_sql", { value: redshift.externalSchemaSql() });
  }
  return { network, personas, trail, redshift };
}

function mapValues<K extends string, V, W>(record: Readonly<Record<K, V>>, f: (v: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;
}
