import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AuditTrail } from "../../modules/audit-trail/index.js";
import { type Persona, Personas } from "../../modules/personas/index.js";
import { bucketName, NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeAnalytics } from "./analytics.js";
import type { LakeParts } from "./context.js";

/** Network, Redshift with Spectrum, QuickSight, SageMaker, personas and the audit trail (issue #6). */
export interface LakeWarehouse {
  readonly personas: Personas;
  readonly trail: AuditTrail;
}

/** What the warehouse step builds; src/config is not ours to change, so these are settings with defaults. */
export interface WarehouseSettings {
  /** Record S3 data events (object reads and writes) of the data zones in the audit trail. @default true */
  readonly trailDataEvents: boolean;
  /** The BI analyst may read QuickSight content (QuickSight itself is off until a later change). @default false */
  readonly quicksight: boolean;
}

export const WAREHOUSE_SETTINGS: WarehouseSettings = {
  trailDataEvents: true,
  quicksight: false,
};

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
  settings: WarehouseSettings = WAREHOUSE_SETTINGS,
): LakeWarehouse {
  const { context, env, compat, zones, analytics } = parts;
  const dataZones = {
    drop: zones.drop,
    raw: zones.raw,
    curated: zones.curated,
    quarantine: zones.quarantine,
  };

  const personas = new Personas(scope, "personas", {
    context,
    roleNames: mapValues(PERSONA_ROLES, (role) => physicalName(env.prefix, [role], NAME_LIMITS.iamRole)),
    zones: dataZones,
    catalog: analytics.catalog,
    workgroups: { lake: analytics.workgroup, analysts: analytics.analysts },
    crawlers: Object.values(analytics.chain.crawlers),
    jobs: Object.values(analytics.curated).flatMap((stage) => (stage.job ? [stage.job] : [])),
    quicksight: settings.quicksight && compat.quicksight,
  });

  const trail = new AuditTrail(scope, "audit-trail", {
    context,
    trailName: physicalName(env.prefix, ["audit"]),
    bucketName: bucketName(env.prefix, "trail", env.accountId),
    accessLogs: zones.logs,
    dataEventBuckets: settings.trailDataEvents ? Object.values(dataZones) : [],
    enableLogging: compat.cloudtrailLogging,
    denyInsecureTransport: compat.denyInsecureTransport,
    forceDestroy: { enabled: compat.forceDestroyBuckets, acknowledgeDataLoss: compat.forceDestroyBuckets },
  });

  for (const [persona, role] of Object.entries(PERSONA_ROLES))
    new TerraformOutput(scope, `${role.replaceAll("-", "_")}_role_arn`, {
      value: personas.roles[persona as Persona].arn,
    });
  new TerraformOutput(scope, "audit_trail_arn", { value: trail.trail.arn });
  new TerraformOutput(scope, "audit_trail_bucket_name", { value: trail.bucket.bucket.bucket });
  return { personas, trail };
}

function mapValues<K extends string, V, W>(record: Readonly<Record<K, V>>, f: (v: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;
}
