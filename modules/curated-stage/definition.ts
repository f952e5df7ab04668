/**
 * The curated stage's Amazon States Language, as a pure function of names, so the stack and the local runner use
 * the very same definition (moto cannot run state machines; the runner walks this ASL itself).
 *
 * Input: `{ "pipeline": "orders", "runId": "…", "ingestDates": ["2026-11-20", …] }` (the orchestrator claims the
 * dates in the run ledger first). Each date is one Athena INSERT (one query per ingest date keeps every query
 * under Athena's 100-partition limit), then the date is marked done in the ledger; after all dates the curated
 * crawler is started (it registers nothing Athena needs, INSERT INTO already did, but reports drift), and the run
 * is recorded. Any failure publishes an alert, records the run as failed and fails the execution.
 */
export interface CuratedDefinitionProps {
  readonly pipeline: string;
  /** `insertFormatTemplate(...)` from src/sql/statements.ts: the INSERT with `{}` for the ingest date. */
  readonly queryTemplate: string;
  /** How many `{}` the template has (each is the ingest date). */
  readonly dateArguments: number;
  readonly workgroup: string;
  /** The curated database (the query's default database). */
  readonly database: string;
  readonly curatedCrawler: string;
  readonly ledgerTable: string;
  readonly alertsTopicArn: string;
  /** Dates transformed at once. @default 1 */
  readonly maxConcurrency?: number;
  /** Seconds one INSERT may run. @default 1800 */
  readonly queryTimeoutSeconds?: number;
}

export const CURATED_DEFINITION_DEFAULTS = { maxConcurrency: 1, queryTimeoutSeconds: 1800 } as const;

/** Transient errors worth retrying, with exponential backoff and jitter. */
const backoff = (errors: string[], maxAttempts = 4) => ({
  ErrorEquals: errors,
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxAttempts: maxAttempts,
  MaxDelaySeconds: 300,
  JitterStrategy: "FULL",
});

export const STATE_NAMES = {
  map: "Transform each ingest date",
  insert: "Insert one ingest date",
  recordDate: "Record the date done",
  crawl: "Crawl curated",
  recordRun: "Record the run",
  alert: "Alert the failure",
  recordFailure: "Record the failed run",
  done: "Done",
  failed: "Failed",
} as const;

/** DynamoDB errors worth retrying with backoff. */
const DYNAMODB_TRANSIENT = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.InternalServerErrorException",
];

/** The run's ledger item (`run#<runId>`), written once at the end whatever the outcome. */
function recordRun(
  table: string,
  status: "succeeded" | "failed",
  next: string,
  extra: Record<string, unknown> = {},
) {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::dynamodb:putItem",
    Parameters: {
      TableName: table,
      Item: {
        pk: { "S.$": "States.Format('run#{}', $.runId)" },
        stage: { S: "curated-transform" },
        status: { S: status },
        pipeline: { "S.$": "$.pipeline" },
        ...extra,
        at: { "S.$": "$$.State.EnteredTime" },
      },
    },
    ResultPath: null,
    Retry: [backoff(DYNAMODB_TRANSIENT)],
    Next: next,
  };
}

export function curatedStateMachineDefinition(props: CuratedDefinitionProps): Record<string, unknown> {
  const s = STATE_NAMES;
  const dates = Array<string>(props.dateArguments).fill("$.ingestDate").join(", ");
  const catchAll = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: s.alert }];
  return {
    Comment: `Curated transform of ${props.pipeline}: one Athena INSERT per ingest date, then the curated crawler`,
    StartAt: s.map,
    States: {
      [s.map]: {
        Type: "Map",
        ItemsPath: "$.ingestDates",
        MaxConcurrency: props.maxConcurrency ?? CURATED_DEFINITION_DEFAULTS.maxConcurrency,
        ItemSelector: {
          "ingestDate.$": "$$.Map.Item.Value",
          "pipeline.$": "$.pipeline",
          "runId.$": "$.runId",
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: s.insert,
          States: {
            [s.insert]: {
              Type: "Task",
              Resource: "arn:aws:states:::athena:startQueryExecution.sync",
              Parameters: {
                "QueryString.$": `States.Format('${props.queryTemplate}', ${dates})`,
                WorkGroup: props.workgroup,
                QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: props.database },
              },
              TimeoutSeconds: props.queryTimeoutSeconds ?? CURATED_DEFINITION_DEFAULTS.queryTimeoutSeconds,
              ResultSelector: { "queryExecutionId.$": "$.QueryExecution.QueryExecutionId" },
              ResultPath: "$.query",
              Retry: [
                backoff([
                  "Athena.TooManyRequestsException",
                  "Athena.InternalServerException",
                  "Athena.AmazonAthenaException",
                ]),
              ],
              Next: s.recordDate,
            },
            [s.recordDate]: {
              Type: "Task",
              Resource: "arn:aws:states:::dynamodb:updateItem",
              Parameters: {
                TableName: props.ledgerTable,
                Key: { pk: { "S.$": "States.Format('transform#{}#{}', $.pipeline, $.ingestDate)" } },
                UpdateExpression: "SET #status = :done, finished_at = :at, query_execution_id = :query",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                  ":done": { S: "succeeded" },
                  ":at": { "S.$": "$$.State.EnteredTime" },
                  ":query": { "S.$": "$.query.queryExecutionId" },
                },
              },
              ResultPath: null,
              Retry: [backoff(DYNAMODB_TRANSIENT)],
              End: true,
            },
          },
        },
        ResultPath: null,
        Catch: catchAll,
        Next: s.crawl,
      },
      [s.crawl]: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:glue:startCrawler",
        Parameters: { Name: props.curatedCrawler },
        ResultPath: null,
        Retry: [backoff(["Glue.OperationTimeoutException", "Glue.ThrottlingException"])],
        // A crawl already running reads the queue again on its next run: nothing is lost.
        Catch: [
          { ErrorEquals: ["Glue.CrawlerRunningException"], ResultPath: null, Next: s.recordRun },
          ...catchAll,
        ],
        Next: s.recordRun,
      },
      [s.recordRun]: recordRun(props.ledgerTable, "succeeded", s.done),
      [s.alert]: {
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish",
        Parameters: {
          TopicArn: props.alertsTopicArn,
          Subject: `event-lake: curated transform of ${props.pipeline} failed`,
          "Message.$":
            "States.Format('Curated transform of {} (run {}) failed: {}', $.pipeline, $.runId, States.JsonToString($.error))",
        },
        ResultPath: null,
        Retry: [backoff(["SNS.InternalErrorException", "SNS.ThrottledException"])],
        Next: s.recordFailure,
      },
      [s.recordFailure]: recordRun(props.ledgerTable, "failed", s.failed, {
        error: { "S.$": "States.JsonToString($.error)" },
      }),
      [s.done]: { Type: "Succeed" },
      [s.failed]: {
        Type: "Fail",
        Error: "CuratedTransformFailed",
        Cause: `See the alert and the run ledger (${props.pipeline})`,
      },
    },
  };
}
