import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AuditTrail } from "../../modules/audit-trail/index.js";
import { type CatalogWriter, LakeFormationZones } from "../../modules/lake-formation/index.js";
import { PERSONAS_DEFAULTS, type Persona, Personas } from "../../modules/personas/index.js";
import type { LakeConfig } from "../config/types.js";
import { bucketName, NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeAnalytics } from "./analytics.js";
import type { LakeParts } from "./context.js";
import { ciRoleArns } from "./github-ci.js";

/** Who may do what in the lake, and the record of what they did: personas, the audit trail, Lake Formation. */
export interface LakeGovernance {
  readonly personas: Personas;
  readonly trail: AuditTrail;
  /** The zones registered with Lake Formation (features.lakeFormation); undefined when off. */
  readonly lakeFormation?: LakeFormationZones;
}

/** Physical role names of the personas: what SSO permission sets and humans see. */
export const PERSONA_ROLES: Readonly<Record<Persona, string>> = {
  steward: "data-steward",
  engineer: "data-engineer",
  scientist: "data-scientist",
  analyst: "bi-analyst",
};

/** Days the audit trail's CloudWatch Logs copy is kept (`trailCloudWatchLogs`); the S3 copy keeps 365. */
const TRAIL_LOG_RETENTION_DAYS = 90;

export function buildGovernance(
  scope: Construct,
  parts: LakeParts & { analytics: LakeAnalytics; lake: LakeConfig },
): LakeGovernance {
  const { context, env, compat, zones, analytics } = parts;
  const features = env.features;
  const dataZones = {
    drop: zones.drop,
    raw: zones.raw,
    curated: zones.curated,
    quarantine: zones.quarantine,
  };

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
    ...(env.trustedPrincipals.personas ? { trustedPrincipalArns: env.trustedPrincipals.personas } : {}),
  });

  const trail = new AuditTrail(scope, "audit-trail", {
    context,
    trailName: physicalName(env.prefix, ["audit"]),
    bucketName: bucketName(env.prefix, "trail", env.accountId),
    accessLogs: zones.logs,
    dataEventBuckets: features.trailDataEvents ? Object.values(dataZones) : [],
    ...(features.trailCloudWatchLogs ? { cloudWatchLogs: { retentionDays: TRAIL_LOG_RETENTION_DAYS } } : {}),
    enableLogging: compat.cloudtrailLogging,
    denyInsecureTransport: compat.denyInsecureTransport,
    forceDestroy: { enabled: compat.forceDestroyBuckets, acknowledgeDataLoss: compat.forceDestroyBuckets },
  });

  // Hybrid access: IAM keeps working for every pipeline role; the LF-tag grants add the personas' table access.
  const writers: Record<string, CatalogWriter> = {
    crawlers: { role: analytics.chain.role, zones: ["drop", "raw", "curated"] },
  };
  for (const [pipeline, stage] of Object.entries(analytics.curated))
    if (stage.role) writers[`curated-${pipeline}`] = { role: stage.role, zones: ["curated"] };
  const lakeFormation = features.lakeFormation
    ? new LakeFormationZones(scope, "lake-formation", {
        context,
        registrationRoleName: physicalName(env.prefix, ["lakeformation"], NAME_LIMITS.iamRole),
        zones: dataZones,
        catalog: analytics.catalog,
        personas: personas.roles,
        catalogWriters: writers,
        createPersonaGrants: compat.lakeformationTagGrants,
        // The data lake admins are replaced on every apply: CI's apply role stays one whoever applies.
        additionalAdminArns: parts.lake.github && !compat.isLocal ? [ciRoleArns(parts.lake, env).apply] : [],
      })
    : undefined;

  for (const [persona, role] of Object.entries(PERSONA_ROLES))
    new TerraformOutput(scope, `${role.replaceAll("-", "_")}_role_arn`, {
      value: personas.roles[persona as Persona].arn,
    });
  new TerraformOutput(scope, "audit_trail_arn", { value: trail.trail.arn });
  new TerraformOutput(scope, "audit_trail_bucket_name", { value: trail.bucket.bucket.bucket });
  if (lakeFormation)
    new TerraformOutput(scope, "lakeformation_registration_role_arn", {
      value: lakeFormation.registrationRole.arn,
    });
  return { personas, trail, lakeFormation };
}

function mapValues<K extends string, V, W>(record: Readonly<Record<K, V>>, f: (v: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;
}
