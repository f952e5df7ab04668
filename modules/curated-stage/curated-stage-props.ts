import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

/**
 * The database names an athena transform's {@link CuratedTransform.insertTemplate} is written over: the stage puts
 * the catalog's in their place (Terraform tokens, which a States.Format escape would break).
 */
export const CURATED_DATABASE_STAND_INS = {
  raw: "event_lake_raw_database_stand_in",
  curated: "event_lake_curated_database_stand_in",
} as const;

/** What the stage runs: one Athena INSERT per ingest date, or a Spark job. */
export type CuratedTransform =
  | {
      readonly engine: "athena";
      /**
       * The INSERT INTO curated SELECT ... FROM raw of one ingest date as a `States.Format` template: `{}` where a
       * date goes, other braces, quotes and backslashes escaped, the databases named as
       * {@link CURATED_DATABASE_STAND_INS}, the tables as `pipelineName`.
       */
      readonly insertTemplate: string;
      /** How many `{}` the template has (each gets the date). */
      readonly dateArguments: number;
    }
  | {
      readonly engine: "glue";
      /** The transform's SELECT, reading `{{raw}}`: the job's `--transform_sql`. */
      readonly sql: string;
      /** The curated table's column names in order, data columns then partition keys: `--columns`. */
      readonly columns: readonly string[];
      /** Its partition keys in path order: `--partition_keys`. */
      readonly partitionKeys: readonly string[];
    };

export interface CuratedStageProps {
  readonly context: AwsContext;
  /** The dataset: its table in the catalog's raw and curated databases, and its prefix (`<name>/`) in both zones. */
  readonly pipelineName: string;
  readonly transform: CuratedTransform;
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
