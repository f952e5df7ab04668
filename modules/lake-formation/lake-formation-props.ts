import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { AwsContext } from "../aws-context/index.js";
import type { CatalogZone, GlueCatalog } from "../glue-catalog/index.js";
import type { Persona } from "../personas/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

/** The data zones registered with Lake Formation; each is a value of the zone LF-tag. */
export const LAKE_ZONES = ["drop", "raw", "curated", "quarantine"] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** A role that creates tables or partitions whose location is in a registered zone (a crawler, a transform). */
export interface CatalogWriter {
  readonly role: IamRole;
  /** The zones whose bucket its tables and partitions point at. */
  readonly zones: readonly CatalogZone[];
}

export interface LakeFormationZonesProps {
  readonly context: AwsContext;
  /** Physical name of the role Lake Formation assumes to reach the registered zones (at most 64 characters). */
  readonly registrationRoleName: string;
  /** The zone buckets to register (hybrid access mode, with the registration role). */
  readonly zones: Readonly<Record<LakeZone, ZoneBucket>>;
  /** The catalog whose drop, raw and curated databases carry their zone's LF-tag value. */
  readonly catalog: GlueCatalog;
  /**
   * The persona roles (`Personas.roles`): the steward becomes a data lake administrator, the engineer, scientist and
   * analyst get LF-tag grants (PERSONA_GRANTS).
   */
  readonly personas: Readonly<Record<Persona, IamRole>>;
  /**
   * Roles that create tables or partitions in a registered zone, by a stable name (part of their grants' Terraform
   * addresses), e.g. `{ crawlers: { role: chain.role, zones: ["drop", "raw", "curated"] } }`. A registered location
   * needs DATA_LOCATION_ACCESS for CreateTable and CreatePartition even in hybrid access mode, so every pipeline
   * role that registers tables or partitions must be listed here. The engineer gets it on every catalog zone.
   * @default none
   */
  readonly catalogWriters?: Readonly<Record<string, CatalogWriter>>;
  /**
   * Create the personas' LF-tag grants (PERSONA_GRANTS). Only local passes false: moto cannot list a grant on an
   * LF-tag policy, so the provider could never read one back.
   * @default true
   */
  readonly createPersonaGrants?: boolean;
  /** Key of the LF-tag whose values are the zones. @default "zone" */
  readonly tagKey?: string;
  /**
   * IAM roles or users outside this stack that must stay data lake administrators (a CI deploy role, a break-glass
   * role): the settings replace the account's whole administrator list on every apply. @default none
   */
  readonly additionalAdminArns?: readonly string[];
}

/** Defaults, in one place so tests and docs can pin them. */
export const LAKE_FORMATION_DEFAULTS = {
  tagKey: "zone",
  catalogWriters: {},
  createPersonaGrants: true,
  additionalAdminArns: [],
  /**
   * Registered locations are in hybrid access mode: principals not opted in keep reaching the data through IAM
   * (crawlers, Glue jobs, Athena), Lake Formation grants take effect for opted-in principals only.
   */
  hybridAccessEnabled: true,
  /**
   * New databases and tables keep granting ALL to IAM_ALLOWED_PRINCIPALS ("use only IAM access control"), as in an
   * account that never changed its settings: the data lake settings resource replaces these lists, and an empty
   * list would hide every table a crawler creates from every role that only has IAM permissions.
   */
  defaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
} as const;
