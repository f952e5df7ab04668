import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { PipelineDeclaration } from "../../src/pipelines/types.js";
import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface CuratedStageProps {
  readonly context: AwsContext;
  readonly pipeline: PipelineDeclaration;
  /** Physical names: the state machine (also its role and log group suffix) or the Glue job (and its role). */
  readonly name: string;
  readonly catalog: GlueCatalog;
  /** The workgroup the INSERTs run in (engine athena). */
  readonly workgroup: AthenaWorkgroup;
  readonly zones: { readonly raw: ZoneBucket; readonly curated: ZoneBucket };
  /** Started after the INSERTs (engine athena) or by the job's conditional trigger (engine glue). */
  readonly curatedCrawler: GlueCrawler;
  /** The run ledger the orchestrator claims dates in. */
  readonly ledger: DynamodbTable;
  readonly alerts: SnsTopic;
  /**
   * Create the state machine. Only the local-compatibility layer passes false (moto hangs on it); the definition
   * is still built and exposed for the local runner. @default true
   */
  readonly createStateMachine?: boolean;
  /** Days the state machine's log group keeps logs. @default 90 */
  readonly logRetentionDays?: number;
  /**
   * The key the state machine's log group is encrypted with; its policy must let CloudWatch Logs use it for
   * `/aws/vendedlogs/states/<name>`. @default a rotating key of its own, for this log group only (id `log-key`)
   */
  readonly logKey?: KmsKey;
  /** Engine glue: job limits. */
  readonly glue?: {
    /** Minutes before Glue stops a run. @default 60 */
    readonly timeoutMinutes?: number;
    /** G.1X workers (1 DPU each), 2-10: the DPU cap. @default 2 */
    readonly workers?: number;
  };
}

/** Defaults, in one place so tests and docs can pin them. */
export const CURATED_STAGE_DEFAULTS = {
  createStateMachine: true,
  logRetentionDays: 90,
  glueTimeoutMinutes: 60,
  glueWorkers: 2,
  glueWorkerType: "G.1X",
  glueVersion: "4.0",
  /** moto has no UpdateJob and returns ExecutionClass: set explicitly, so no diff (local gap glue-job). */
  executionClass: "STANDARD",
} as const;
