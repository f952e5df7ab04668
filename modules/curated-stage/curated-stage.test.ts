import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import aslValidator from "asl-validator";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { parseAthena } from "../../src/sql/parser.js";
import { insertStatement, statesFormat } from "../../src/sql/statements.js";
import { catalogTable, curatedTransform } from "../../src/stacks/pipeline-props.js";
import { maskHashes } from "../../src/testing/synth.js";
import { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { AwsContext } from "../aws-context/index.js";
import { CATALOG_ZONES, type CatalogZone, GlueCatalog } from "../glue-catalog/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import {
  CURATED_DEFINITION_DEFAULTS,
  CURATED_STAGE_DEFAULTS,
  CuratedStage,
  type CuratedStageProps,
  STATE_NAMES,
} from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;
type Statement = Record<string, unknown>;
type State = Record<string, unknown>;

const ARN = "arn:${data.aws_partition.context_partition.partition}";
const REGION_ACCOUNT =
  "${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}";
const RAW_DB = "${aws_glue_catalog_database.catalog_database-raw.name}";
const CURATED_DB = "${aws_glue_catalog_database.catalog_database-curated.name}";
const glueOrders: PipelineDeclaration = { ...orders, transform: { ...orders.transform, engine: "glue" } };

/** Zones, catalog, a curated crawler, the lake's workgroup, ledger and (encrypted) alerts; then the stage. */
function synth(
  {
    pipeline: declared,
    ...props
  }: Partial<Omit<CuratedStageProps, "context" | "catalog" | "zones" | "workgroup">> & {
    /** Mapped to the stage's props as the analytics stack does. @default orders */
    pipeline?: PipelineDeclaration;
  } = {},
  options: { plainAlerts?: boolean } = {},
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const zones = Object.fromEntries(
    CATALOG_ZONES.map((zone) => [
      zone,
      new ZoneBucket(stack, `zone-${zone}`, { context, zone, bucketName: `lake-${zone}-111111111111` }),
    ]),
  ) as Record<CatalogZone, ZoneBucket>;
  const results = new ZoneBucket(stack, "zone-results", {
    context,
    zone: "athena-results",
    bucketName: "lake-athena-results-111111111111",
  });
  const pipeline = declared ?? orders;
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: { drop: "lake_drop", raw: "lake_raw", curated: "lake_curated" },
    zones,
    securityConfigurationName: "lake-glue",
    tables: [catalogTable(pipeline)],
  });
  const workgroup = new AthenaWorkgroup(stack, "workgroup-lake", { context, name: "lake", results });
  const crawler = new GlueCrawler(stack, "crawl-curated", {
    name: "lake-crawl-curated",
    role: "crawler",
    databaseName: "lake_curated",
  });
  const alertsKey = new KmsKey(stack, "alerts-key", { enableKeyRotation: true });
  const alerts = new SnsTopic(stack, "alerts", {
    name: "lake-alerts",
    kmsMasterKeyId: options.plainAlerts ? undefined : alertsKey.arn,
  });
  const ledger = new DynamodbTable(stack, "runs", {
    name: "lake-runs",
    hashKey: "pk",
    attribute: [{ name: "pk", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
  });
  const stage = new CuratedStage(stack, "curated-orders", {
    context,
    pipelineName: pipeline.name,
    transform: curatedTransform(pipeline),
    name: "lake-curated-orders",
    catalog,
    workgroup,
    zones: { raw: zones.raw, curated: zones.curated },
    curatedCrawler: crawler,
    ledger,
    alerts,
    ...props,
  });
  const json = maskHashes(JSON.parse(Testing.synth(stack))) as { resource: Block; data: Block };
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = json[kind][type]?.[id];
    if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(json[kind][type] ?? {}).join(", ")}`);
    const { "//": _metadata, ...rest } = found;
    return rest;
  };
  const statements = (id: string) => one("data", "aws_iam_policy_document", id)["statement"] as Statement[];
  return { json, one, statements, stage };
}

const backoff = (errors: string[]) => ({
  ErrorEquals: errors,
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxAttempts: 4,
  MaxDelaySeconds: 300,
  JitterStrategy: "FULL",
});

describe("CuratedStage engine athena: the state machine", () => {
  const { one, statements, stage } = synth();
  const machine = one("resource", "aws_sfn_state_machine", "curated-orders_state-machine");
  const definition = JSON.parse(machine["definition"] as string) as {
    StartAt: string;
    States: Record<string, State>;
  };
  const map = definition.States[STATE_NAMES.map] as State & {
    ItemProcessor: { States: Record<string, State> };
  };
  const insert = map.ItemProcessor.States[STATE_NAMES.insert] as State & {
    Parameters: Record<string, unknown>;
  };

  it("is a STANDARD state machine with X-Ray tracing, logging ALL events with their data to its own log group", () => {
    const { definition: _definition, ...rest } = machine;
    expect(rest).toEqual({
      name: "lake-curated-orders",
      role_arn: "${aws_iam_role.curated-orders_role.arn}",
      type: "STANDARD",
      logging_configuration: {
        level: "ALL",
        include_execution_data: true,
        log_destination: "${aws_cloudwatch_log_group.curated-orders_log-group.arn}:*",
      },
      tracing_configuration: { enabled: true },
      depends_on: ["aws_iam_role_policy.curated-orders_policy"],
    });
    expect(one("resource", "aws_cloudwatch_log_group", "curated-orders_log-group")).toEqual({
      name: "/aws/vendedlogs/states/lake-curated-orders",
      retention_in_days: 90,
      kms_key_id: "${aws_kms_key.curated-orders_log-key.arn}",
    });
  });

  it("has a definition asl-validator accepts", () => {
    // A copy: asl-validator writes its defaults (QueryLanguage) into what it validates.
    const result = aslValidator(structuredClone(definition));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("deploys the same definition it exposes for the local runner", () => {
    expect(Object.keys(stage.definition?.["States"] as object)).toEqual(Object.keys(definition.States));
  });

  it("runs one INSERT per ingest date in the lake's workgroup, on the curated database, within 30 minutes", () => {
    expect(definition.StartAt).toBe(STATE_NAMES.map);
    expect(map).toMatchObject({ Type: "Map", ItemsPath: "$.ingestDates", MaxConcurrency: 1 });
    expect(insert).toMatchObject({
      Type: "Task",
      Resource: "arn:aws:states:::athena:startQueryExecution.sync",
      TimeoutSeconds: 1800,
      Next: STATE_NAMES.recordDate,
    });
    expect(insert.Parameters["WorkGroup"]).toBe("${aws_athena_workgroup.workgroup-lake_workgroup.name}");
    expect(insert.Parameters["QueryExecutionContext"]).toEqual({
      Catalog: "AwsDataCatalog",
      Database: CURATED_DB,
    });
  });

  it("sends Athena the very INSERT the SQL tests run, naming the real databases (no unresolved token)", () => {
    // prepare: what Terraform resolves the database references to
    const query = insert.Parameters["QueryString.$"] as string;
    const match = /^States\.Format\('(.*)', \$\.ingestDate, \$\.ingestDate\)$/s.exec(query);
    expect(match).not.toBeNull();
    const resolved = (match?.[1] ?? "").replaceAll(RAW_DB, "lake_raw").replaceAll(CURATED_DB, "lake_curated");

    // act: fill it the way States.Format does
    const sql = statesFormat(resolved, "2026-11-21", "2026-11-21");

    // assess
    expect(query).not.toContain("TfToken");
    expect(query).toContain(`INSERT INTO "${CURATED_DB}"."orders" WITH`);
    expect(query).toContain(`SELECT * FROM "${RAW_DB}"."orders" WHERE "ingest_date" = DATE \\'{}\\'`);
    const tables = {
      raw: { database: "lake_raw", table: "orders" },
      curated: { database: "lake_curated", table: "orders" },
    };
    expect(sql).toBe(insertStatement(orders, tables, { date: "2026-11-21" }).replace(/\s*\n\s*/g, " "));
    expect(() => parseAthena(sql)).not.toThrow();
  });

  it("retries throttled and transient Athena errors with exponential backoff and jitter", () => {
    expect(insert["Retry"]).toEqual([
      backoff([
        "Athena.TooManyRequestsException",
        "Athena.InternalServerException",
        "Athena.AmazonAthenaException",
      ]),
    ]);
  });

  it("records each date, then crawls curated (a running crawl is fine) and records the run", () => {
    expect(map.ItemProcessor.States[STATE_NAMES.recordDate]).toMatchObject({
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:updateItem",
      Parameters: { TableName: "${aws_dynamodb_table.runs.name}" },
      End: true,
    });
    expect(map["Next"]).toBe(STATE_NAMES.crawl);
    expect(definition.States[STATE_NAMES.crawl]).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:glue:startCrawler",
      Parameters: { Name: "${aws_glue_crawler.crawl-curated.name}" },
      Next: STATE_NAMES.recordRun,
    });
    expect(definition.States[STATE_NAMES.recordRun]).toMatchObject({ Next: STATE_NAMES.done });
    expect(definition.States[STATE_NAMES.done]).toEqual({ Type: "Succeed" });
  });

  it("on any failure publishes to the alerts topic, records the failed run and ends in Fail", () => {
    const catchAll = { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE_NAMES.alert };
    expect(map["Catch"]).toEqual([catchAll]);
    expect(definition.States[STATE_NAMES.crawl]?.["Catch"]).toEqual([
      { ErrorEquals: ["Glue.CrawlerRunningException"], ResultPath: null, Next: STATE_NAMES.recordRun },
      catchAll,
    ]);
    expect(definition.States[STATE_NAMES.alert]).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Parameters: {
        TopicArn: "${aws_sns_topic.alerts.arn}",
        Subject: "event-lake: curated transform of orders failed",
        "Message.$":
          "States.Format('Curated transform of {} (run {}) failed: {}', $.pipeline, $.runId, States.JsonToString($.error))",
      },
      ResultPath: null,
      Retry: [backoff(["SNS.InternalErrorException", "SNS.ThrottledException"])],
      Next: STATE_NAMES.recordFailure,
    });
    expect(definition.States[STATE_NAMES.recordFailure]).toMatchObject({
      Resource: "arn:aws:states:::dynamodb:putItem",
      Next: STATE_NAMES.failed,
    });
    expect(definition.States[STATE_NAMES.failed]).toEqual({
      Type: "Fail",
      Error: "CuratedTransformFailed",
      Cause: "See the alert and the run ledger (orders)",
    });
  });

  it("runs as a role Step Functions assumes for this account only", () => {
    expect(statements("curated-orders_trust")).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          { type: "Service", identifiers: ["states.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        condition: [
          {
            test: "StringEquals",
            variable: "aws:SourceAccount",
            values: ["${data.aws_caller_identity.context_identity.account_id}"],
          },
        ],
      },
    ]);
  });

  it("may query in the workgroup, publish alerts with the topic's key, start the curated crawler, write the ledger", () => {
    const all = statements("curated-orders_policy_document");
    expect(all).toContainEqual({ actions: ["sns:Publish"], resources: ["${aws_sns_topic.alerts.arn}"] });
    expect(all).toContainEqual({
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["${aws_sns_topic.alerts.kms_master_key_id}"],
    });
    expect(all).toContainEqual({
      actions: ["glue:StartCrawler"],
      resources: [`${ARN}:glue:${REGION_ACCOUNT}:crawler/\${aws_glue_crawler.crawl-curated.name}`],
    });
    expect(all).toContainEqual({
      actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
      resources: ["${aws_dynamodb_table.runs.arn}"],
    });
    expect(
      all.find((s) => (s["actions"] as string[]).includes("athena:StartQueryExecution"))?.["resources"],
    ).toEqual(["${aws_athena_workgroup.workgroup-lake_workgroup.arn}"]);
  });

  it("reads raw and writes curated under the pipeline's prefix only; '*' only where AWS allows nothing narrower", () => {
    const all = statements("curated-orders_policy_document");
    const objectResources = all
      .filter((s) => (s["actions"] as string[]).some((a) => a === "s3:GetObject" || a === "s3:PutObject"))
      .flatMap((s) => s["resources"] as string[]);
    expect([...new Set(objectResources)].sort()).toEqual([
      "${aws_s3_bucket.zone-curated_bucket.arn}/orders/*",
      "${aws_s3_bucket.zone-raw_bucket.arn}/orders/*",
      "${aws_s3_bucket.zone-results_bucket.arn}/lake/*",
    ]);
    expect(all.filter((s) => (s["resources"] as string[]).includes("*")).map((s) => s["sid"])).toEqual([
      "DeliverLogs",
      "WriteTraces",
    ]);
    expect(all.flatMap((s) => s["actions"] as string[]).filter((a) => a.includes("*"))).toEqual([]);
  });
});

describe("CuratedStage engine athena options", () => {
  it("asks for no key to publish to an unencrypted alerts topic (its empty key id would make the policy malformed)", () => {
    const { statements } = synth({}, { plainAlerts: true });
    const all = statements("curated-orders_policy_document");
    expect(all).toContainEqual({ actions: ["sns:Publish"], resources: ["${aws_sns_topic.alerts.arn}"] });
    expect(JSON.stringify(all)).not.toContain("kms_master_key_id");
  });

  it("keeps logs as long as asked", () => {
    const { one } = synth({ logRetentionDays: 30 });
    expect(one("resource", "aws_cloudwatch_log_group", "curated-orders_log-group")["retention_in_days"]).toBe(
      30,
    );
  });

  it("builds the definition but no state machine, role or log group when told not to (local)", () => {
    const { json, stage } = synth({ createStateMachine: false });
    expect(json.resource["aws_sfn_state_machine"]).toBeUndefined();
    expect(Object.keys(json.resource["aws_iam_role"] ?? {})).toEqual([]);
    expect(Object.keys(json.resource["aws_cloudwatch_log_group"] ?? {})).toEqual([]);
    expect(stage.definition?.["StartAt"]).toBe(STATE_NAMES.map);
    expect(stage.stateMachine).toBeUndefined();
    expect(stage.job).toBeUndefined();
  });
});

describe("CuratedStage engine glue: the job", () => {
  const { json, one, statements, stage } = synth({ pipeline: glueOrders });

  it("is a Spark job with bookmarks, a 60-minute timeout, 2 G.1X workers, STANDARD class and the security configuration", () => {
    const job = one("resource", "aws_glue_job", "curated-orders_job");
    const { command, ...rest } = job;
    expect(rest).toEqual({
      name: "lake-curated-orders",
      description: "Curated transform of orders (Spark)",
      role_arn: "${aws_iam_role.curated-orders_role.arn}",
      glue_version: "4.0",
      worker_type: "G.1X",
      number_of_workers: 2,
      timeout: 60,
      max_retries: 1,
      execution_class: "STANDARD",
      security_configuration: "${aws_glue_security_configuration.catalog_security-configuration.name}",
      execution_property: { max_concurrent_runs: 1 },
      default_arguments: {
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-metrics": "true",
        "--raw_database": RAW_DB,
        "--table": "orders",
        "--transform_sql": orders.transform.sql,
        "--curated_path": "s3://${aws_s3_bucket.zone-curated_bucket.bucket}/orders/",
        "--columns": "sku,order_date,order_lines,units,revenue,ingest_date,country",
        "--partition_keys": "ingest_date,country",
      },
      depends_on: ["aws_iam_role_policy.curated-orders_policy"],
    });
    expect(command).toMatchObject({ name: "glueetl", python_version: "3" });
    expect((command as Record<string, string>)["script_location"]).toMatch(
      /^s3:\/\/\$\{aws_s3_object\.curated-orders_script\.bucket\}\/\$\{aws_s3_object\.curated-orders_script\.key\}$/,
    );
  });

  it("ships the script into the curated zone under _glue/scripts/<pipeline>/, named by its hash", () => {
    const script = one("resource", "aws_s3_object", "curated-orders_script");
    expect(script["bucket"]).toBe("${aws_s3_bucket.zone-curated_bucket.bucket}");
    expect(script["key"]).toMatch(/^_glue\/scripts\/orders\/curated_transform-[0-9A-F]+\.py$/i);
  });

  it("starts the curated crawler when the job succeeds, through a conditional trigger", () => {
    expect(one("resource", "aws_glue_trigger", "curated-orders_crawl-when-done")).toEqual({
      name: "lake-curated-orders-crawl-curated",
      description: "Crawl curated when lake-curated-orders succeeds",
      type: "CONDITIONAL",
      start_on_creation: true,
      predicate: {
        conditions: [
          {
            job_name: "${aws_glue_job.curated-orders_job.name}",
            state: "SUCCEEDED",
            logical_operator: "EQUALS",
          },
        ],
      },
      actions: [{ crawler_name: "${aws_glue_crawler.crawl-curated.name}" }],
    });
  });

  it("has no state machine, and its role is Glue's, with the security configuration's key", () => {
    expect(json.resource["aws_sfn_state_machine"]).toBeUndefined();
    expect(stage.definition).toBeUndefined();
    expect(statements("curated-orders_trust")[0]?.["principals"]).toEqual([
      { type: "Service", identifiers: ["glue.${data.aws_partition.context_partition.dns_suffix}"] },
    ]);
    expect(statements("curated-orders_policy_document")).toContainEqual({
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["${aws_kms_key.catalog_key.arn}"],
    });
    expect(
      statements("curated-orders_policy_document")
        .flatMap((s) => s["actions"] as string[])
        .filter((a) => a.includes("*")),
    ).toEqual([]);
  });

  it("takes a timeout and a worker cap", () => {
    const { one } = synth({ pipeline: glueOrders, glue: { timeoutMinutes: 30, workers: 10 } });
    expect(one("resource", "aws_glue_job", "curated-orders_job")).toMatchObject({
      timeout: 30,
      number_of_workers: 10,
    });
  });
});

describe("CuratedStage documented defaults", () => {
  it("pins its defaults", () => {
    expect(CURATED_STAGE_DEFAULTS).toEqual({
      createStateMachine: true,
      logRetentionDays: 90,
      glueTimeoutMinutes: 60,
      glueWorkers: 2,
      glueWorkerType: "G.1X",
      glueVersion: "4.0",
      executionClass: "STANDARD",
    });
    expect(CURATED_DEFINITION_DEFAULTS).toEqual({ maxConcurrency: 1, queryTimeoutSeconds: 1800 });
  });
});

describe("CuratedStage rejects invalid props, naming each problem", () => {
  it.each([
    [
      { name: "lake curated" },
      'CuratedStage lake curated: name "lake curated" must be 1-64 letters, digits, "-" or "_" (it also names the role)',
    ],
    [
      { name: "x".repeat(65) },
      `CuratedStage ${"x".repeat(65)}: name "${"x".repeat(65)}" must be 1-64 letters, digits, "-" or "_" (it also names the role)`,
    ],
    [
      { logRetentionDays: 31 },
      "CuratedStage lake-curated-orders: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 31",
    ],
    [
      { pipeline: glueOrders, glue: { workers: 1 } },
      "CuratedStage lake-curated-orders: glue.workers must be a whole number 2-10, got 1",
    ],
    [
      { pipeline: glueOrders, glue: { workers: 11 } },
      "CuratedStage lake-curated-orders: glue.workers must be a whole number 2-10, got 11",
    ],
    [
      { pipeline: glueOrders, glue: { timeoutMinutes: 0 } },
      "CuratedStage lake-curated-orders: glue.timeoutMinutes must be a whole number 1-2880, got 0",
    ],
    [
      { pipeline: glueOrders, glue: { timeoutMinutes: 2881 } },
      "CuratedStage lake-curated-orders: glue.timeoutMinutes must be a whole number 1-2880, got 2881",
    ],
    [
      { glue: { workers: 2 } },
      "CuratedStage lake-curated-orders: glue options given, but pipeline orders runs on athena",
    ],
  ] as [Partial<CuratedStageProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  it("collects every problem into one error", () => {
    expect(() => synth({ logRetentionDays: 2, glue: { workers: 20 } })).toThrow(
      new Error(
        "CuratedStage lake-curated-orders: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 2; glue.workers must be a whole number 2-10, got 20; glue options given, but pipeline orders runs on athena",
      ),
    );
  });
});
