import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { Network } from "../network/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface SagemakerNotebookProps {
  readonly context: AwsContext;
  /** Physical names, from the naming helper. */
  readonly names: {
    /**
     * The notebook instance: 1-63 lower-case letters, digits or "-" (SageMaker lower-cases names in ARNs, so only
     * lower case keeps the role's own-instance statements exact). Also names its security group, key alias and
     * lifecycle configuration.
     */
    readonly instance: string;
    /** The execution role the notebook runs as (at most 64 characters). */
    readonly role: string;
  };
  /** The VPC: the instance sits in one of its private subnets and reaches AWS through its endpoints only. */
  readonly network: Network;
  /** The zone the notebook reads, and writes under `sandboxPrefix` only. */
  readonly curated: ZoneBucket;
  /** The catalog whose curated database (and tables) the notebook reads. */
  readonly catalog: GlueCatalog;
  /** The one Athena workgroup the notebook queries in (the analysts' workgroup). */
  readonly workgroup: AthenaWorkgroup;
  /**
   * The prefix of the curated zone the notebook may write (feature sets, experiments), ending in "/". Keep it the
   * data scientist persona's prefix (`Personas.scientistPrefix`). @default "sandbox/"
   */
  readonly sandboxPrefix?: string;
  /** ML instance type. @default "ml.t3.medium" */
  readonly instanceType?: string;
  /** Size of the ML storage volume (/home/ec2-user/SageMaker), 5 to 16384 GB. @default 20 */
  readonly volumeSizeGb?: number;
  /**
   * The notebook's runtime (Amazon Linux and JupyterLab version). The pinned AWS provider (5.100.0) accepts no
   * newer one; `notebook-al2023-v1` needs a provider upgrade. @default "notebook-al2-v3" (Amazon Linux 2, JupyterLab 4)
   */
  readonly platformIdentifier?: string;
  /** Which of the network's private subnets (by index) the instance sits in. @default 0 */
  readonly subnetIndex?: number;
  /**
   * Stop the instance once Jupyter has been idle this many minutes (no busy kernel, no kernel or terminal activity;
   * an open browser tab alone does not count), checked every 5 minutes by a script the lifecycle configuration
   * installs. 0 installs no lifecycle configuration and never stops the instance. 5 to 1440, or 0. @default 60
   */
  readonly idleStopMinutes?: number;
  /**
   * Create the account's `/aws/sagemaker/NotebookInstances` log group (one per account and region, shared by every
   * notebook instance), with a retention and encrypted with this notebook's key. Set false where another stack
   * owns it; the role is then allowed to create it, as SageMaker would. @default true
   */
  readonly createLogGroup?: boolean;
  /** Days the notebook's logs are kept, when this construct creates the log group. @default 365 */
  readonly logRetentionDays?: number;
  /** Days before a scheduled deletion of the notebook's key completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const NOTEBOOK_DEFAULTS = {
  sandboxPrefix: "sandbox/",
  instanceType: "ml.t3.medium",
  volumeSizeGb: 20,
  platformIdentifier: "notebook-al2-v3",
  subnetIndex: 0,
  idleStopMinutes: 60,
  createLogGroup: true,
  logRetentionDays: 365,
  keyDeletionWindowDays: 30,
  /** The platform identifiers the pinned provider accepts that AWS has not deprecated. */
  platformIdentifiers: ["notebook-al2-v3"],
  /** The log group SageMaker writes every notebook instance's logs to (streams `<instance>/jupyter.log`, …). */
  logGroupName: "/aws/sagemaker/NotebookInstances",
  /** How often cron runs the idle check; also the smallest idle time that means anything. */
  idleCheckMinutes: 5,
} as const;
