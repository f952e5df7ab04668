import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { Network } from "../network/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export type UsagePeriod = "daily" | "weekly" | "monthly";
export type BreachAction = "log" | "emit-metric" | "deactivate";

export interface WarehouseProps {
  readonly context: AwsContext;
  /** Physical names, from the naming helper. */
  readonly names: {
    readonly namespace: string;
    readonly workgroup: string;
    /** The role Redshift assumes for Spectrum and COPY (at most 64 characters). */
    readonly role: string;
  };
  /** The VPC: the workgroup sits in its private subnets and admits its CIDR only. */
  readonly network: Network;
  /** The zone Spectrum reads and COPY loads from, with its key. */
  readonly curated: ZoneBucket;
  /** The catalog whose curated database becomes the external schema. */
  readonly catalog: GlueCatalog;
  /** Database created in the namespace. @default "lake" */
  readonly databaseName?: string;
  /** Admin user; its password is generated and kept by Secrets Manager. @default "lake_admin" */
  readonly adminUsername?: string;
  /** Base capacity in RPUs (8 to 512, steps of 8). @default 8 */
  readonly baseCapacity?: number;
  /** Compute the workgroup may use per period before the breach action. @default 64 RPU-hours daily, deactivate */
  readonly usageLimit?: {
    readonly rpuHours: number;
    readonly period?: UsagePeriod;
    readonly breachAction?: BreachAction;
  };
  /** Days before a scheduled deletion of the namespace key completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const WAREHOUSE_DEFAULTS = {
  databaseName: "lake",
  adminUsername: "lake_admin",
  baseCapacity: 8,
  usageLimit: { rpuHours: 64, period: "daily", breachAction: "deactivate" },
  keyDeletionWindowDays: 30,
  port: 5439,
  logExports: ["connectionlog", "useractivitylog", "userlog"],
} as const;
