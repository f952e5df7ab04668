import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { AwsContext } from "../aws-context/index.js";
import type { ConsumerQueue } from "../event-fanout/index.js";
import type { CatalogZone, GlueCatalog } from "../glue-catalog/index.js";
import type { FunctionVpc } from "../traced-function/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface CrawlerChainProps {
  readonly context: AwsContext;
  readonly catalog: GlueCatalog;
  readonly zones: Readonly<Record<CatalogZone, ZoneBucket>>;
  /** Each zone's catalog queue (S3 events through SNS, raw delivery): the crawler's event queue and its DLQ. */
  readonly queues: Readonly<Record<CatalogZone, ConsumerQueue>>;
  /** Pipelines whose prefixes the crawlers cover (raw and curated crawl their declared tables). */
  readonly pipelines: readonly string[];
  /** Physical names, from the naming helper. */
  readonly names: {
    readonly crawlers: Readonly<Record<CatalogZone, string>>;
    readonly crawlerRole: string;
    readonly rule: string;
    /** The orchestrator's queue; its DLQ is `<queue>-dlq`. */
    readonly queue: string;
    readonly function: string;
  };
  /**
   * A Glue schedule per zone, `cron(M H ...)` with a fixed minute (at most hourly: every run costs at least
   * 10 DPU-minutes, and event mode only crawls what changed). @default none: crawlers run when the chain starts them
   */
  readonly schedules?: Readonly<Partial<Record<CatalogZone, string>>>;
  /** The orchestrator Lambda's zip and hash (`handlerCode(scope, "orchestrator")`). */
  readonly code: { readonly zipPath: string; readonly sha256?: string };
  /** Run ledger: one item per stage of each run. */
  readonly ledger: DynamodbTable;
  /** Failures and schema drift are published here. */
  readonly alerts: SnsTopic;
  /** Creates the orchestrator's SQS mapping enabled. @default true (local passes false: moto cannot run it) */
  readonly eventSourceMappingEnabled?: boolean;
  /**
   * Replace a crawler whose settings change (its targets change with every pipeline added or removed) instead of
   * updating it: a `terraform_data` of its settings, in its `replace_triggered_by`. Only for an API with no
   * UpdateCrawler (moto; the local-compatibility layer passes true). A crawler holds no data, so nothing is lost.
   * @default false
   */
  readonly replaceOnChange?: boolean;
  /** Orchestrator timeout in seconds; the queue's visibility timeout is 6x this. @default 60 */
  readonly timeoutSeconds?: number;
  /** Run the orchestrator in these private subnets (TracedFunction's `vpc`). @default not in a VPC */
  readonly vpc?: FunctionVpc;
  /**
   * The key the orchestrator's log group is encrypted with (TracedFunction's `logKey`; its policy must let CloudWatch
   * Logs use it for `/aws/lambda/<names.function>`). @default a rotating key of the orchestrator's own
   */
  readonly logKey?: KmsKey;
}

/** Defaults, in one place so tests and docs can pin them. */
export const CRAWLER_CHAIN_DEFAULTS = {
  timeoutSeconds: 60,
  memorySize: 256,
  maxReceiveCount: 5,
  /** Two concurrent batches at most: the chain is a trickle of state changes. */
  maxConcurrency: 2,
  schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
  recrawlBehavior: "CRAWL_EVENT_MODE",
  /** EventBridge matches these states of the crawlers; the orchestrator acts on them. */
  states: ["Succeeded", "Failed"],
} as const;
