import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { GlueJob } from "@cdktf/provider-aws/lib/glue-job";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { catalogTable } from "../../src/stacks/pipeline-props.js";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { EventFanout } from "../event-fanout/index.js";
import { CATALOG_ZONES, type CatalogZone, GlueCatalog } from "../glue-catalog/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import {
  CRAWLER_CHAIN_DEFAULTS,
  CrawlerChain,
  type CrawlerChainProps,
  encodeTransforms,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  orchestratorEnvironmentBytes,
} from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;
type Statement = Record<string, unknown>;

const ARN = "arn:${data.aws_partition.context_partition.partition}";
const REGION_ACCOUNT =
  "${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}";
const CRAWLERS = { drop: "lake-crawl-drop", raw: "lake-crawl-raw", curated: "lake-crawl-curated" } as const;

/** Zones, catalog, each zone's catalog queue, a ledger and alerts; then the chain with `props` over the defaults. */
function synth(
  props: Partial<
    Omit<CrawlerChainProps, "context" | "catalog" | "zones" | "queues" | "ledger" | "alerts">
  > = {},
  options: {
    encryptedAlerts?: boolean;
    sharedLogKey?: boolean;
    wire?: (chain: CrawlerChain, stack: TerraformStack) => void;
  } = {},
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const zones = Object.fromEntries(
    CATALOG_ZONES.map((zone) => [
      zone,
      new ZoneBucket(stack, `zone-${zone}`, { context, zone, bucketName: `lake-${zone}-111111111111` }),
    ]),
  ) as Record<CatalogZone, ZoneBucket>;
  const alertsKey = options.encryptedAlerts
    ? new KmsKey(stack, "alerts-key", { enableKeyRotation: true })
    : undefined;
  const alerts = new SnsTopic(stack, "alerts", { name: "lake-alerts", kmsMasterKeyId: alertsKey?.arn });
  const queues = Object.fromEntries(
    CATALOG_ZONES.map((zone) => [
      zone,
      new EventFanout(stack, `events-${zone}`, {
        context,
        zone: zones[zone],
        alerts,
        topicName: `lake-${zone}-events`,
      }).addConsumer("catalog", { queueName: `lake-catalog-${zone}`, consumerTimeoutSeconds: 300 }),
    ]),
  ) as CrawlerChainProps["queues"];
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: { drop: "lake_drop", raw: "lake_raw", curated: "lake_curated" },
    zones,
    securityConfigurationName: "lake-glue",
    tables: [orders, clickstream].map(catalogTable),
  });
  const ledger = new DynamodbTable(stack, "runs", {
    name: "lake-runs",
    hashKey: "pk",
    attribute: [{ name: "pk", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
  });
  const chain = new CrawlerChain(stack, "chain", {
    context,
    catalog,
    zones,
    queues,
    pipelines: ["orders", "clickstream"],
    names: {
      crawlers: CRAWLERS,
      crawlerRole: "lake-crawler",
      rule: "lake-crawler-state",
      queue: "lake-orchestrator",
      function: "lake-orchestrator",
    },
    code: { zipPath: "/lake/dist/handlers/orchestrator.zip", sha256: "b3JjaGVzdHJhdG9y" },
    ledger,
    alerts,
    ...(options.sharedLogKey ? { logKey: new KmsKey(stack, "shared-logs-key", {}) } : {}),
    ...props,
  });
  options.wire?.(chain, stack);
  const json = maskHashes(JSON.parse(Testing.synth(stack))) as { resource: Block; data: Block };
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = json[kind][type]?.[id];
    if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(json[kind][type] ?? {}).join(", ")}`);
    const { "//": _metadata, ...rest } = found;
    return rest;
  };
  const statements = (id: string) => one("data", "aws_iam_policy_document", id)["statement"] as Statement[];
  return { json, one, statements, chain, stack };
}

const catalogArns = (zone: CatalogZone) => [
  `${ARN}:glue:${REGION_ACCOUNT}:catalog`,
  `${ARN}:glue:${REGION_ACCOUNT}:database/\${aws_glue_catalog_database.catalog_database-${zone}.name}`,
  `${ARN}:glue:${REGION_ACCOUNT}:table/\${aws_glue_catalog_database.catalog_database-${zone}.name}/*`,
];
const readCatalog = (zone: CatalogZone): Statement => ({
  actions: [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
  ],
  resources: catalogArns(zone),
});
/** The whole zone, one grant whatever the number of pipelines (the role's inline policy is capped at 10,240). */
const readZone = (zone: CatalogZone): Statement[] => [
  {
    actions: ["s3:GetObject", "s3:GetObjectVersion"],
    resources: [`\${aws_s3_bucket.zone-${zone}_bucket.arn}/*`],
  },
  { actions: ["s3:ListBucket"], resources: [`\${aws_s3_bucket.zone-${zone}_bucket.arn}`] },
  { actions: ["kms:Decrypt", "kms:DescribeKey"], resources: [`\${aws_kms_key.zone-${zone}_key.arn}`] },
];

/** What the crawler role gets for one zone: the zone, its queue and DLQ, its database. */
const crawlerZoneStatements = (zone: CatalogZone): Statement[] => [
  ...readZone(zone),
  {
    actions: [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ],
    resources: [`\${aws_sqs_queue.events-${zone}_catalog_queue.arn}`],
  },
  { actions: ["kms:Decrypt"], resources: [`\${aws_kms_key.zone-${zone}_key.arn}`] },
  {
    actions: [
      "sqs:GetQueueUrl",
      "sqs:ListDeadLetterSourceQueues",
      "sqs:PurgeQueue",
      "sqs:SetQueueAttributes",
    ],
    resources: [`\${aws_sqs_queue.events-${zone}_catalog_queue.arn}`],
  },
  {
    actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
    resources: [`\${aws_sqs_queue.events-${zone}_catalog_dlq.arn}`],
  },
  readCatalog(zone),
  {
    actions: [
      "glue:BatchCreatePartition",
      "glue:BatchUpdatePartition",
      "glue:CreatePartition",
      "glue:UpdatePartition",
      ...(zone === "drop" ? ["glue:CreateTable", "glue:UpdateTable"] : []),
    ],
    resources: catalogArns(zone),
  },
];

const CRAWLER_CONFIGURATION = {
  Version: 1,
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
  Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
};

describe("CrawlerChain crawlers", () => {
  const { one } = synth();

  const common = (zone: CatalogZone) => ({
    name: CRAWLERS[zone],
    description: `Crawls the ${zone} zone's changed objects (S3 events), logging schema changes`,
    role: "${aws_iam_role.chain_crawler-role.arn}",
    database_name: `\${aws_glue_catalog_database.catalog_database-${zone}.name}`,
    security_configuration: "${aws_glue_security_configuration.catalog_security-configuration.name}",
    recrawl_policy: { recrawl_behavior: "CRAWL_EVENT_MODE" },
    schema_change_policy: { update_behavior: "LOG", delete_behavior: "LOG" },
    depends_on: ["aws_iam_role_policy.chain_crawler-policy"],
  });
  const events = (zone: CatalogZone) => ({
    event_queue_arn: `\${aws_sqs_queue.events-${zone}_catalog_queue.arn}`,
    dlq_event_queue_arn: `\${aws_sqs_queue.events-${zone}_catalog_dlq.arn}`,
  });

  it("crawls drop in event mode with one S3 target per pipeline prefix, each with the zone's queue and DLQ", () => {
    const { configuration, ...crawler } = one("resource", "aws_glue_crawler", "chain_crawler-drop");
    expect(crawler).toEqual({
      ...common("drop"),
      s3_target: [
        { path: "s3://${aws_s3_bucket.zone-drop_bucket.bucket}/orders/", ...events("drop") },
        { path: "s3://${aws_s3_bucket.zone-drop_bucket.bucket}/clickstream/", ...events("drop") },
      ],
    });
    expect(JSON.parse(configuration as string)).toEqual(CRAWLER_CONFIGURATION);
  });

  it.each(["raw", "curated"] as const)(
    "crawls %s in event mode over its declared tables only (a catalog target), never redefining them",
    (zone) => {
      const { configuration, ...crawler } = one("resource", "aws_glue_crawler", `chain_crawler-${zone}`);
      expect(crawler).toEqual({
        ...common(zone),
        catalog_target: [
          {
            database_name: `\${aws_glue_catalog_database.catalog_database-${zone}.name}`,
            tables: ["orders", "clickstream"],
            ...events(zone),
          },
        ],
      });
      expect(JSON.parse(configuration as string)).toEqual(CRAWLER_CONFIGURATION);
    },
  );

  it("schedules a crawler only when given a schedule (@default none)", () => {
    const { one: scheduled } = synth({ schedules: { raw: "cron(15 3 * * ? *)" } });
    expect(scheduled("resource", "aws_glue_crawler", "chain_crawler-raw")["schedule"]).toBe(
      "cron(15 3 * * ? *)",
    );
    expect(scheduled("resource", "aws_glue_crawler", "chain_crawler-drop")["schedule"]).toBeUndefined();
    for (const zone of CATALOG_ZONES)
      expect(one("resource", "aws_glue_crawler", `chain_crawler-${zone}`)["schedule"]).toBeUndefined();
  });
});

describe("CrawlerChain crawler role", () => {
  const { one, statements } = synth();

  it("is assumable by Glue from this account only", () => {
    expect(one("resource", "aws_iam_role", "chain_crawler-role")).toEqual({
      name: "lake-crawler",
      description: "Glue crawlers of the event lake: read declared prefixes, consume catalog queues",
      assume_role_policy: "${data.aws_iam_policy_document.chain_crawler-trust.json}",
    });
    expect(statements("chain_crawler-trust")).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          { type: "Service", identifiers: ["glue.${data.aws_partition.context_partition.dns_suffix}"] },
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

  it("is scoped to the security configuration, the pipelines' prefixes, each zone's queues, keys and database", () => {
    expect(statements("chain_crawler-policy_document")).toEqual([
      {
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: ["${aws_kms_key.catalog_key.arn}"],
      },
      {
        actions: ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${ARN}:logs:${REGION_ACCOUNT}:log-group:/aws-glue/*`],
      },
      ...crawlerZoneStatements("drop"),
      ...crawlerZoneStatements("raw"),
      ...crawlerZoneStatements("curated"),
    ]);
    expect(one("resource", "aws_iam_role_policy", "chain_crawler-policy")).toEqual({
      name: "lake-crawler",
      role: "${aws_iam_role.chain_crawler-role.name}",
      policy: "${data.aws_iam_policy_document.chain_crawler-policy_document.json}",
    });
  });

  it("has no wildcard action and no wildcard resource", () => {
    const all = statements("chain_crawler-policy_document");
    expect(all.flatMap((s) => s["actions"] as string[]).filter((a) => a.includes("*"))).toEqual([]);
    expect(all.flatMap((s) => s["resources"] as string[]).filter((r) => r === "*")).toEqual([]);
  });

  it("admits the crawler role to the catalog key in the key policy", () => {
    expect(statements("catalog_key-policy").at(-1)).toEqual({
      sid: "UseBy2",
      principals: [{ type: "AWS", identifiers: ["${aws_iam_role.chain_crawler-role.arn}"] }],
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["*"],
    });
  });
});

describe("CrawlerChain events", () => {
  const { one, statements } = synth();

  it("matches Succeeded and Failed state changes of the lake's three crawlers only", () => {
    const { event_pattern, ...rule } = one("resource", "aws_cloudwatch_event_rule", "chain_rule");
    expect(rule).toEqual({
      name: "lake-crawler-state",
      description: "Crawler state changes of the event lake, for the orchestrator",
    });
    expect(JSON.parse(event_pattern as string)).toEqual({
      source: ["aws.glue"],
      "detail-type": ["Glue Crawler State Change"],
      detail: {
        crawlerName: ["lake-crawl-drop", "lake-crawl-raw", "lake-crawl-curated"],
        state: ["Succeeded", "Failed"],
      },
    });
  });

  it("targets one queue, with the DLQ and retries for what EventBridge cannot deliver", () => {
    expect(one("resource", "aws_cloudwatch_event_target", "chain_target")).toEqual({
      rule: "${aws_cloudwatch_event_rule.chain_rule.name}",
      arn: "${aws_sqs_queue.chain_queue.arn}",
      target_id: "orchestrator-queue",
      dead_letter_config: { arn: "${aws_sqs_queue.chain_dlq.arn}" },
      retry_policy: { maximum_retry_attempts: 10, maximum_event_age_in_seconds: 3600 },
    });
    expect(Object.keys(one("resource", "aws_cloudwatch_event_target", "chain_target"))).not.toContain(
      "input",
    );
  });

  it("alarms to the alerts topic as soon as its dead-letter queue holds a message", () => {
    expect(one("resource", "aws_cloudwatch_metric_alarm", "chain_dlq-depth")).toMatchObject({
      alarm_name: "lake-orchestrator-dlq-not-empty",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "lake-orchestrator-dlq" },
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      evaluation_periods: 1,
      alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\..*\.arn\}$/)],
    });
  });

  it("buffers in an encrypted queue, 6x the orchestrator's timeout, dead letters after 5 receives, kept 14 days", () => {
    expect(one("resource", "aws_sqs_queue", "chain_queue")).toEqual({
      name: "lake-orchestrator",
      sqs_managed_sse_enabled: true,
      visibility_timeout_seconds: 360,
      message_retention_seconds: 345600,
      redrive_policy:
        '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.chain_dlq.arn, "maxReceiveCount" = 5})}',
      policy: "${data.aws_iam_policy_document.chain_queue-policy.json}",
    });
    expect(one("resource", "aws_sqs_queue", "chain_dlq")).toEqual({
      name: "lake-orchestrator-dlq",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
      policy: "${data.aws_iam_policy_document.chain_dlq-policy.json}",
    });
  });

  it.each([
    ["queue", "lake-orchestrator"],
    ["dlq", "lake-orchestrator-dlq"],
  ])("lets only the rule send to the %s", (id, name) => {
    expect(statements(`chain_${id}-policy`)).toEqual([
      {
        sid: "RuleDelivers",
        principals: [
          { type: "Service", identifiers: ["events.${data.aws_partition.context_partition.dns_suffix}"] },
        ],
        actions: ["sqs:SendMessage"],
        resources: [`${ARN}:sqs:${REGION_ACCOUNT}:${name}`],
        condition: [
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: ["${aws_cloudwatch_event_rule.chain_rule.arn}"],
          },
        ],
      },
    ]);
  });
});

describe("CrawlerChain orchestrator", () => {
  const { one, statements } = synth();

  it("is a traced Node function with JSON logs, its own log group, 256 MB and 60 s", () => {
    const { environment: _environment, ...fn } = one(
      "resource",
      "aws_lambda_function",
      "chain_orchestrator_function",
    );
    expect(fn).toEqual({
      function_name: "lake-orchestrator",
      description: "Crawler chain: next crawler, curated transform, alert, run ledger",
      role: "${aws_iam_role.chain_orchestrator_role.arn}",
      filename: "/lake/dist/handlers/orchestrator.zip",
      source_code_hash: "b3JjaGVzdHJhdG9y",
      handler: "handler.handler",
      runtime: "nodejs22.x",
      architectures: ["x86_64"],
      memory_size: 256,
      timeout: 60,
      tracing_config: { mode: "Active" },
      logging_config: {
        log_format: "JSON",
        application_log_level: "INFO",
        log_group: "${aws_cloudwatch_log_group.chain_orchestrator_log-group.name}",
      },
      depends_on: ["aws_iam_role_policy.chain_orchestrator_policy"],
    });
    expect(one("resource", "aws_cloudwatch_log_group", "chain_orchestrator_log-group")).toEqual({
      name: "/aws/lambda/lake-orchestrator",
      retention_in_days: 30,
      kms_key_id: "${aws_kms_key.chain_orchestrator_log-key.arn}",
    });
  });

  it("encrypts the orchestrator's logs with the caller's key when given one, and makes none of its own", () => {
    // act
    const { json, one } = synth({}, { sharedLogKey: true });

    // assess
    expect(one("resource", "aws_cloudwatch_log_group", "chain_orchestrator_log-group")["kms_key_id"]).toBe(
      "${aws_kms_key.shared-logs-key.arn}",
    );
    expect(Object.keys(json.resource["aws_kms_key"] ?? {})).toContain("shared-logs-key");
    expect(Object.keys(json.resource["aws_kms_key"] ?? {})).not.toContain("chain_orchestrator_log-key");
  });

  it("is told the crawlers, databases, pipelines, raw and curated buckets, ledger and alerts topic; no transforms yet", () => {
    expect(one("resource", "aws_lambda_function", "chain_orchestrator_function")["environment"]).toEqual({
      variables: {
        CRAWLERS:
          '${jsonencode({"drop" = aws_glue_crawler.chain_crawler-drop.name, "raw" = aws_glue_crawler.chain_crawler-raw.name, "curated" = aws_glue_crawler.chain_crawler-curated.name})}',
        DATABASES:
          '${jsonencode({"drop" = aws_glue_catalog_database.catalog_database-drop.name, "raw" = aws_glue_catalog_database.catalog_database-raw.name, "curated" = aws_glue_catalog_database.catalog_database-curated.name})}',
        PIPELINES: '["orders","clickstream"]',
        RAW_BUCKET: "${aws_s3_bucket.zone-raw_bucket.bucket}",
        CURATED_BUCKET: "${aws_s3_bucket.zone-curated_bucket.bucket}",
        LEDGER_TABLE: "${aws_dynamodb_table.runs.name}",
        ALERTS_TOPIC_ARN: "${aws_sns_topic.alerts.arn}",
        TRANSFORMS: "{}",
        TRANSFORM_NAME_PREFIX: "",
        STATE_MACHINE_ARN_PREFIX: `${ARN}:states:${REGION_ACCOUNT}:stateMachine:`,
        POWERTOOLS_SERVICE_NAME: "lake-orchestrator",
        POWERTOOLS_METRICS_NAMESPACE: "EventLake",
        POWERTOOLS_LOG_LEVEL: "INFO",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
  });

  it("consumes the queue in batches of 10, reporting partial batch failures, at most 2 concurrent batches", () => {
    expect(one("resource", "aws_lambda_event_source_mapping", "chain_orchestrator_sqs-source-queue")).toEqual(
      {
        function_name: "${aws_lambda_function.chain_orchestrator_function.arn}",
        event_source_arn: "${aws_sqs_queue.chain_queue.arn}",
        batch_size: 10,
        enabled: true,
        function_response_types: ["ReportBatchItemFailures"],
        scaling_config: { maximum_concurrency: 2 },
        depends_on: ["aws_iam_role_policy.chain_orchestrator_policy"],
      },
    );
  });

  it("may start and read the three crawlers, write the ledger, publish alerts, read raw and curated catalogs and the raw zone", () => {
    const all = statements("chain_orchestrator_policy_document");
    const ownStatements = all.slice(
      all.findIndex((s) => (s["actions"] as string[]).includes("glue:StartCrawler")),
    );
    expect(ownStatements).toEqual([
      {
        actions: ["glue:GetCrawler", "glue:StartCrawler"],
        resources: CATALOG_ZONES.map((z) => `${ARN}:glue:${REGION_ACCOUNT}:crawler/${CRAWLERS[z]}`),
      },
      {
        actions: [
          "dynamodb:ConditionCheckItem",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:Query",
          "dynamodb:UpdateItem",
        ],
        resources: ["${aws_dynamodb_table.runs.arn}"],
      },
      { actions: ["sns:Publish"], resources: ["${aws_sns_topic.alerts.arn}"] },
      readCatalog("raw"),
      readCatalog("curated"),
      ...readZone("raw"),
    ]);
    expect(all.find((s) => s["sid"] === "Consumequeue")).toEqual({
      sid: "Consumequeue",
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
      ],
      resources: ["${aws_sqs_queue.chain_queue.arn}"],
    });
    expect(all.flatMap((s) => s["actions"] as string[]).filter((a) => a === "*" || a.endsWith(":*"))).toEqual(
      [],
    );
  });

  it("may use the alerts topic's key when the topic is encrypted, and asks for no key when it is not", () => {
    // prepare / act: the default fixture's topic has no key; this one has
    const { statements: encrypted } = synth({}, { encryptedAlerts: true });
    const keyStatement = {
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["${aws_sns_topic.alerts.kms_master_key_id}"],
    };

    // assess: an unencrypted topic's kms_master_key_id is empty, which would make the policy malformed
    expect(encrypted("chain_orchestrator_policy_document")).toContainEqual(keyStatement);
    expect(statements("chain_orchestrator_policy_document")).not.toContainEqual(keyStatement);
    expect(JSON.stringify(statements("chain_orchestrator_policy_document"))).not.toContain(
      "kms_master_key_id",
    );
  });
});

describe("CrawlerChain replaceOnChange (the local-compatibility layer: moto has no UpdateCrawler)", () => {
  it("replaces a crawler when its settings change, through a terraform_data of them", () => {
    const { json } = synth({ replaceOnChange: true });
    const crawler = json.resource["aws_glue_crawler"]?.["chain_crawler-drop"] as Record<string, unknown>;
    const settings = json.resource["terraform_data"]?.["chain_crawler-drop-settings"] as {
      input: Record<string, unknown>;
    };

    expect(crawler["lifecycle"]).toEqual({
      replace_triggered_by: ["terraform_data.chain_crawler-drop-settings"],
    });
    expect(settings.input["name"]).toBe("lake-crawl-drop");
    expect((settings.input["s3Target"] as { path: string }[]).map((t) => t.path)).toEqual([
      "s3://${aws_s3_bucket.zone-drop_bucket.bucket}/orders/",
      "s3://${aws_s3_bucket.zone-drop_bucket.bucket}/clickstream/",
    ]);
    expect(Object.keys(json.resource["terraform_data"] ?? {}).sort()).toEqual([
      "chain_crawler-curated-settings",
      "chain_crawler-drop-settings",
      "chain_crawler-raw-settings",
    ]);
  });

  it("updates crawlers in place by default", () => {
    const { one, json } = synth();

    expect(json.resource["terraform_data"]).toBeUndefined();
    expect(one("resource", "aws_glue_crawler", "chain_crawler-drop")["lifecycle"]).toBeUndefined();
  });
});

describe("encodeTransforms and orchestratorEnvironmentBytes: what the orchestrator is told of its transforms", () => {
  it("keeps per pipeline only s: or g: and the name after the prefix all names share, cut after a separator", () => {
    expect(
      encodeTransforms({
        orders_00: { kind: "state-machine", name: "event-lake-test-curated-orders-00" },
        orders_01: { kind: "state-machine", name: "event-lake-test-curated-orders-01" },
        clicks: { kind: "glue-job", name: "event-lake-test-curated-clicks" },
      }),
    ).toEqual({
      transforms: '{"orders_00":"s:orders-00","orders_01":"s:orders-01","clicks":"g:clicks"}',
      namePrefix: "event-lake-test-curated-",
    });
    // one name: never all prefix; nothing shared: no prefix; none: nothing
    expect(encodeTransforms({ orders: { kind: "state-machine", name: "lake-curated-orders" } })).toEqual({
      transforms: '{"orders":"s:orders"}',
      namePrefix: "lake-curated-",
    });
    expect(
      encodeTransforms({ a: { kind: "glue-job", name: "alpha" }, b: { kind: "glue-job", name: "beta" } }),
    ).toEqual({ transforms: '{"a":"g:alpha","b":"g:beta"}', namePrefix: "" });
    expect(encodeTransforms({})).toEqual({ transforms: "{}", namePrefix: "" });
  });

  it("counts the variables that grow exactly and the rest at their longest: 50 pipelines of 9 characters fit", () => {
    const pipelines = Array.from({ length: 50 }, (_, i) => `orders_${String(i).padStart(2, "0")}`);
    const transforms = Object.fromEntries(
      pipelines.map((p) => [
        p,
        { kind: "state-machine" as const, name: `event-lake-sandbox-curated-${p.replace("_", "-")}` },
      ]),
    );
    const { transforms: encoded, namePrefix } = encodeTransforms(transforms);

    expect(orchestratorEnvironmentBytes(pipelines, transforms)).toBe(
      1000 +
        "PIPELINES".length +
        JSON.stringify(pipelines).length +
        "TRANSFORMS".length +
        encoded.length +
        "TRANSFORM_NAME_PREFIX".length +
        namePrefix.length +
        "STATE_MACHINE_ARN_PREFIX".length +
        "arn:aws-us-gov:states:ap-southeast-2:123456789012:stateMachine:".length,
    );
    expect(orchestratorEnvironmentBytes(pipelines, transforms)).toBe(2713);
    expect(orchestratorEnvironmentBytes(pipelines, transforms)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });
});

describe("CrawlerChain transforms", () => {
  it("starts a pipeline's state machine, and may start only that one", () => {
    const { one, statements } = synth(
      {},
      {
        wire: (chain, stack) => {
          const machine = new SfnStateMachine(stack, "machine", {
            name: "m",
            roleArn: "r",
            definition: "{}",
          });
          chain.addTransform("orders", { stateMachine: machine });
        },
      },
    );
    // the handler makes the ARN of STATE_MACHINE_ARN_PREFIX + TRANSFORM_NAME_PREFIX + the name after "s:"
    expect(
      (
        one("resource", "aws_lambda_function", "chain_orchestrator_function")["environment"] as {
          variables: Record<string, string>;
        }
      ).variables,
    ).toMatchObject({
      TRANSFORMS: '{"orders":"s:m"}',
      TRANSFORM_NAME_PREFIX: "",
      STATE_MACHINE_ARN_PREFIX: `${ARN}:states:${REGION_ACCOUNT}:stateMachine:`,
    });
    expect(statements("chain_orchestrator_policy_document")).toContainEqual({
      actions: ["states:StartExecution"],
      resources: ["${aws_sfn_state_machine.machine.arn}"],
    });
    // before the run, the claimed dates' curated files are deleted: ingest-date partitions only, of any pipeline
    expect(statements("chain_orchestrator_policy_document")).toContainEqual({
      actions: ["s3:DeleteObject"],
      resources: ["${aws_s3_bucket.zone-curated_bucket.arn}/*/ingest_date=*"],
    });
  });

  it("starts any number of state machines through one statement and one delete grant (a constant-size policy)", () => {
    const { statements } = synth(
      {},
      {
        wire: (chain, stack) => {
          for (const pipeline of ["orders", "clickstream"]) {
            const machine = new SfnStateMachine(stack, `machine-${pipeline}`, {
              name: pipeline,
              roleArn: "r",
              definition: "{}",
            });
            chain.addTransform(pipeline, { stateMachine: machine });
          }
        },
      },
    );
    const policy = statements("chain_orchestrator_policy_document") as { actions: string[] }[];

    expect(policy.filter((s) => s.actions.includes("states:StartExecution"))).toEqual([
      {
        actions: ["states:StartExecution"],
        resources: [
          "${aws_sfn_state_machine.machine-orders.arn}",
          "${aws_sfn_state_machine.machine-clickstream.arn}",
        ],
      },
    ]);
    expect(policy.filter((s) => s.actions.includes("s3:DeleteObject"))).toHaveLength(1);
  });

  it("starts and watches a pipeline's Glue job, and only that one", () => {
    const { one, statements } = synth(
      {},
      {
        wire: (chain, stack) => {
          const job = new GlueJob(stack, "job", {
            name: "lake-curated-orders",
            roleArn: "r",
            command: { scriptLocation: "s3://x/y.py" },
          });
          chain.addTransform("orders", { job });
        },
      },
    );
    expect(
      (
        one("resource", "aws_lambda_function", "chain_orchestrator_function")["environment"] as {
          variables: Record<string, string>;
        }
      ).variables,
    ).toMatchObject({ TRANSFORMS: '{"orders":"g:orders"}', TRANSFORM_NAME_PREFIX: "lake-curated-" });
    expect(statements("chain_orchestrator_policy_document")).toContainEqual({
      actions: ["glue:GetJobRun", "glue:StartJobRun"],
      resources: [`${ARN}:glue:${REGION_ACCOUNT}:job/\${aws_glue_job.job.name}`],
    });
    // a job's bookmarks decide what it reads: the orchestrator deletes nothing in curated for it
    expect(
      statements("chain_orchestrator_policy_document").filter((s) =>
        (s as { actions: string[] }).actions.includes("s3:DeleteObject"),
      ),
    ).toEqual([]);
  });

  it("names a state machine without a literal name by reference, counted at the longest name AWS allows", () => {
    const { one } = synth(
      {},
      {
        wire: (chain, stack) => {
          const named = new SfnStateMachine(stack, "named", {
            name: "lake-orders",
            roleArn: "r",
            definition: "{}",
          });
          const unnamed = new SfnStateMachine(stack, "unnamed", { roleArn: "r", definition: "{}" });
          chain.addTransform("orders", { stateMachine: named });
          chain.addTransform("clickstream", { stateMachine: unnamed });
        },
      },
    );
    expect(
      (
        one("resource", "aws_lambda_function", "chain_orchestrator_function")["environment"] as {
          variables: Record<string, string>;
        }
      ).variables,
    ).toMatchObject({
      TRANSFORMS: '{"orders":"s:lake-orders","clickstream":"s:${aws_sfn_state_machine.unnamed.name}"}',
      TRANSFORM_NAME_PREFIX: "",
    });
  });

  it("refuses, naming Lambda's 4 KB limit and the fix, the transform that would overflow the orchestrator's environment", () => {
    const pipelines = Array.from({ length: 100 }, (_, i) => `pipeline_${String(i).padStart(3, "0")}`);
    const added: string[] = [];

    expect(() =>
      synth(
        { pipelines },
        {
          wire: (chain, stack) => {
            for (const pipeline of pipelines) {
              const machine = new SfnStateMachine(stack, `machine-${pipeline}`, {
                name: `event-lake-sandbox-curated-${pipeline.replace("_", "-")}`,
                roleArn: "r",
                definition: "{}",
              });
              chain.addTransform(pipeline, { stateMachine: machine });
              added.push(pipeline);
            }
          },
        },
      ),
    ).toThrow(
      "CrawlerChain.addTransform(\"pipeline_062\"): the orchestrator's environment would be 4114 bytes with 63 transforms (PIPELINES and TRANSFORMS grow with every pipeline: its name twice and its transform's name after the prefix all share, 1000 bytes allowed for the other variables); Lambda allows 4096 bytes of environment variables in all. Shorten the pipeline names or split the pipelines over two lake stacks",
    );
    expect(added).toHaveLength(62);
  });

  it("refuses a transform for an unknown pipeline, and a second one for the same pipeline", () => {
    synth(
      {},
      {
        wire: (chain, stack) => {
          const machine = new SfnStateMachine(stack, "machine", {
            name: "m",
            roleArn: "r",
            definition: "{}",
          });
          expect(() => chain.addTransform("invoices", { stateMachine: machine })).toThrow(
            new Error('CrawlerChain.addTransform: "invoices" is not a pipeline of this chain'),
          );
          chain.addTransform("orders", { stateMachine: machine });
          expect(() => chain.addTransform("orders", { stateMachine: machine })).toThrow(
            new Error('CrawlerChain.addTransform: "orders" already has a transform'),
          );
        },
      },
    );
  });
});

describe("CrawlerChain documented defaults", () => {
  it("pins its defaults", () => {
    expect(CRAWLER_CHAIN_DEFAULTS).toEqual({
      timeoutSeconds: 60,
      memorySize: 256,
      maxReceiveCount: 5,
      maxConcurrency: 2,
      schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
      recrawlBehavior: "CRAWL_EVENT_MODE",
      states: ["Succeeded", "Failed"],
    });
  });

  it("sizes the queue's visibility timeout at 6x a given orchestrator timeout", () => {
    const { one } = synth({ timeoutSeconds: 120 });
    expect(one("resource", "aws_lambda_function", "chain_orchestrator_function")["timeout"]).toBe(120);
    expect(one("resource", "aws_sqs_queue", "chain_queue")["visibility_timeout_seconds"]).toBe(720);
  });

  it("creates the SQS mapping disabled only when told to (the local environment)", () => {
    const { one } = synth({ eventSourceMappingEnabled: false });
    expect(
      one("resource", "aws_lambda_event_source_mapping", "chain_orchestrator_sqs-source-queue")["enabled"],
    ).toBe(false);
  });
});

describe("CrawlerChain rejects invalid props, naming each problem", () => {
  const names = {
    crawlers: CRAWLERS,
    crawlerRole: "lake-crawler",
    rule: "lake-crawler-state",
    queue: "lake-orchestrator",
    function: "lake-orchestrator",
  };
  it.each([
    [
      { schedules: { drop: "cron(*/5 * * * ? *)" } },
      'CrawlerChain: schedules.drop "cron(*/5 * * * ? *)" must be cron(M H D M W Y) with a fixed minute: at most hourly (each run bills 10 DPU-minutes or more)',
    ],
    [
      { schedules: { curated: "rate(1 hour)" } },
      'CrawlerChain: schedules.curated "rate(1 hour)" must be cron(M H D M W Y) with a fixed minute: at most hourly (each run bills 10 DPU-minutes or more)',
    ],
    [{ timeoutSeconds: 0 }, "CrawlerChain: timeoutSeconds must be a whole number 1-900, got 0"],
    [{ timeoutSeconds: 901 }, "CrawlerChain: timeoutSeconds must be a whole number 1-900, got 901"],
    [{ timeoutSeconds: 1.5 }, "CrawlerChain: timeoutSeconds must be a whole number 1-900, got 1.5"],
    [{ pipelines: [] }, "CrawlerChain: pipelines: at least one is needed"],
    [
      {
        names: {
          ...names,
          crawlers: { drop: "lake-crawl", raw: "lake-crawl", curated: "lake-crawl-curated" },
        },
      },
      "CrawlerChain: names.crawlers: each zone's crawler needs its own name",
    ],
  ] as [Partial<CrawlerChainProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  it("collects every problem into one error", () => {
    expect(() => synth({ timeoutSeconds: 1000, pipelines: [] })).toThrow(
      new Error(
        "CrawlerChain: timeoutSeconds must be a whole number 1-900, got 1000; pipelines: at least one is needed",
      ),
    );
  });
});
