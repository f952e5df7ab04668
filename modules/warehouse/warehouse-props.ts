import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { Network } from "../network/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export type UsagePeriod = "daily" | "weekly" | "monthly";
export type BreachAction = "log" | "emit-metric" | "deactivate";
/** Redshift Serverless (a namespace and a workgroup) or a provisioned cluster. */
export type WarehouseEngine = "serverless" | "provisioned";

/** The provisioned cluster's size and snapshots; only with `engine: "provisioned"`. */
export interface WarehouseClusterProps {
  /** A current RA3 or DC2 node type (`REDSHIFT_NODE_TYPES`). @default "ra3.xlplus" */
  readonly nodeType?: string;
  /** Compute nodes: 1 is a single-node cluster, more a multi-node one. @default 2 */
  readonly nodeCount?: number;
  /** Days automated snapshots are kept (1 to 35). @default 7 */
  readonly snapshotRetentionDays?: number;
}

export interface WarehouseProps {
  readonly context: AwsContext;
  /** Physical names, from the naming helper. */
  readonly names: {
    readonly namespace: string;
    readonly workgroup: string;
    /** The role Redshift assumes for Spectrum and COPY (at most 64 characters). */
    readonly role: string;
    /**
     * The provisioned cluster's identifier, also the name of its subnet group and parameter group; its final
     * snapshot is `<cluster>-final`. Only with `engine: "provisioned"`. @default names.namespace
     */
    readonly cluster?: string;
  };
  /** The VPC: the warehouse sits in its private subnets and admits its CIDR. */
  readonly network: Network;
  /** The zone Spectrum reads and COPY loads from, with its key. */
  readonly curated: ZoneBucket;
  /** The catalog whose curated database becomes the external schema. */
  readonly catalog: GlueCatalog;
  /** Redshift Serverless, or a provisioned cluster sized by `cluster`. @default "serverless" */
  readonly engine?: WarehouseEngine;
  /** Node type, node count and snapshot retention of the provisioned cluster. @default WAREHOUSE_DEFAULTS.cluster */
  readonly cluster?: WarehouseClusterProps;
  /**
   * Also admit QuickSight's published address range of the stack's region on the warehouse port
   * (`QUICKSIGHT_IP_RANGES`). Only for QuickSight reaching the warehouse over a public route: a QuickSight VPC
   * connection (modules/quicksight) comes from inside the VPC and needs none of it. @default false
   */
  readonly quicksightIngress?: boolean;
  /** Database created in the namespace or cluster. @default "lake" */
  readonly databaseName?: string;
  /** Admin user; its password is generated and kept by Secrets Manager. @default "lake_admin" */
  readonly adminUsername?: string;
  /** Base capacity in RPUs (8 to 512, steps of 8). Serverless only. @default 8 */
  readonly baseCapacity?: number;
  /**
   * Compute the workgroup may use per period before the breach action. Serverless only.
   * @default 64 RPU-hours daily, deactivate
   */
  readonly usageLimit?: {
    readonly rpuHours: number;
    readonly period?: UsagePeriod;
    readonly breachAction?: BreachAction;
  };
  /** Days before a scheduled deletion of the warehouse key completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const WAREHOUSE_DEFAULTS = {
  engine: "serverless",
  databaseName: "lake",
  adminUsername: "lake_admin",
  baseCapacity: 8,
  usageLimit: { rpuHours: 64, period: "daily", breachAction: "deactivate" },
  cluster: { nodeType: "ra3.xlplus", nodeCount: 2, snapshotRetentionDays: 7 },
  quicksightIngress: false,
  keyDeletionWindowDays: 30,
  port: 5439,
  logExports: ["connectionlog", "useractivitylog", "userlog"],
  /** The only parameter group family Redshift has. */
  parameterGroupFamily: "redshift-1.0",
} as const;

/**
 * Node types a new cluster can be created with (the CreateCluster API's list: RA3 and DC2; DS2 and DC1 are
 * retired), with the fewest nodes each takes: the larger types run multi-node only. AWS enforces the upper limits.
 */
export const REDSHIFT_NODE_TYPES: Readonly<Record<string, { readonly minNodes: number }>> = {
  "ra3.large": { minNodes: 1 },
  "ra3.xlplus": { minNodes: 1 },
  "ra3.4xlarge": { minNodes: 2 },
  "ra3.16xlarge": { minNodes: 2 },
  "dc2.large": { minNodes: 1 },
  "dc2.8xlarge": { minNodes: 2 },
};

/** Most compute nodes any node type takes (ra3.16xlarge, dc2.8xlarge). */
export const MAX_NODE_COUNT = 128;
