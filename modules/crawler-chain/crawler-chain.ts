import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import type { GlueJob } from "@cdktf/provider-aws/lib/glue-job";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { queueNotEmptyAlarm } from "../alerts/index.js";
import { serviceTrustStatement } from "../aws-context/index.js";
import { CATALOG_ZONES, type CatalogZone } from "../glue-catalog/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { TracedFunction } from "../traced-function/index.js";
import { type CrawlerChainProps, CRAWLER_CHAIN_DEFAULTS as DEFAULTS } from "./crawler-chain-props.js";
import { inlinePolicy } from "./inline-policy.js";
import { SettingsRecord } from "./settings-record.js";

/** What the orchestrator starts once raw is crawled, per pipeline: a state machine or a Glue job, by name. */
export interface TransformTarget {
  readonly kind: "state-machine" | "glue-job";
  /** The physical name: a literal as a rule, or a token (then counted at the longest name AWS allows). */
  readonly name: string;
}

/**
 * Crawlers for the drop, raw and curated zones in S3 event mode (each reads its zone's catalog queue, never the
 * whole prefix), logging schema changes instead of rewriting tables; an EventBridge rule sends their
 * Succeeded/Failed state changes to a queue; the orchestrator Lambda consumes it and starts the next step: the
 * raw crawler after drop, the curated transform after raw (`addTransform`), an alert on failure or drift, and a
 * run-ledger item for every stage.
 */
export class CrawlerChain extends Construct {
  readonly crawlers: Readonly<Record<CatalogZone, GlueCrawler>>;
  readonly role: IamRole;
  readonly policy: RolePolicy;
  readonly rule: CloudwatchEventRule;
  readonly queue: SqsQueue;
  readonly dlq: SqsQueue;
  readonly orchestrator: TracedFunction;
  private readonly transforms: Record<string, TransformTarget> = {};
  /** One statement per kind of transform, its resources growing with addTransform (not a statement each). */
  private readonly startable: Partial<Record<TransformTarget["kind"], string[]>> = {};
  readonly props: CrawlerChainProps;

  constructor(scope: Construct, id: string, props: CrawlerChainProps) {
    super(scope, id);
    // Validate.
    validate(props);
    this.props = props;
    const aws = props.context;
    const timeout = props.timeoutSeconds ?? DEFAULTS.timeoutSeconds;

    // Build: the crawlers' role: the zones (read), their queues and keys. A zone, not one grant per pipeline: each
    // grant adds statements to the role's inline policy (10,240 characters at most, all of a role's inline policies
    // together) and to the zone's key policy (32 KB at most); per pipeline, 50 pipelines needed about 78 KB. Raw and
    // curated hold nothing but the pipelines' data; drop also holds `_firehose-errors/`, which no target covers.
    const trust = new DataAwsIamPolicyDocument(this, "crawler-trust", {
      statement: [serviceTrustStatement(aws, ["glue"])],
    });
    this.role = new IamRole(this, "crawler-role", {
      name: props.names.crawlerRole,
      description: "Glue crawlers of the event lake: read declared prefixes, consume catalog queues",
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(this, "crawler-policy", {
      role: this.role,
      policyName: props.names.crawlerRole,
    });
    props.catalog.grantSecurityConfiguration(this.policy);
    for (const zone of CATALOG_ZONES) {
      props.zones[zone].grantRead(this.policy);
      props.queues[zone].grantConsume(this.policy);
      // Event-mode crawlers also look the queues up and purge what they consumed; DLQ: where bad events go.
      this.policy.addStatements(
        {
          actions: [
            "sqs:GetQueueUrl",
            "sqs:ListDeadLetterSourceQueues",
            "sqs:PurgeQueue",
            "sqs:SetQueueAttributes",
          ],
          resources: [props.queues[zone].queue.arn],
        },
        {
          actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
          resources: [props.queues[zone].dlq.arn],
        },
      );
      props.catalog.grantReadCatalog(this.policy, zone);
      // Only the drop crawler creates tables (drop files are discovered); raw and curated are declared.
      props.catalog.grantWriteCatalog(this.policy, zone, { tables: zone === "drop" });
    }

    const crawlers = {} as Record<CatalogZone, GlueCrawler>;
    for (const zone of CATALOG_ZONES) {
      const queue = props.queues[zone];
      const events = { eventQueueArn: queue.queue.arn, dlqEventQueueArn: queue.dlq.arn };
      const database = props.catalog.databases[zone].name;
      const settings = {
        name: props.names.crawlers[zone],
        description: `Crawls the ${zone} zone's changed objects (S3 events), logging schema changes`,
        role: this.role.arn,
        databaseName: database,
        securityConfiguration: props.catalog.securityConfiguration.name,
        schedule: props.schedules?.[zone],
        recrawlPolicy: { recrawlBehavior: DEFAULTS.recrawlBehavior },
        schemaChangePolicy: { ...DEFAULTS.schemaChangePolicy },
        configuration: JSON.stringify({
          Version: 1.0,
          CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
          Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
        }),
        // Drop files are discovered (one table per pipeline folder); raw and curated tables are declared, so
        // their crawlers only add partitions and report drift.
        ...(zone === "drop"
          ? {
              s3Target: props.pipelines.map((p) => ({
                path: `s3://${props.zones.drop.bucket.bucket}/${p}/`,
                ...events,
              })),
            }
          : { catalogTarget: [{ databaseName: database, tables: [...props.pipelines], ...events }] }),
      };
      // A crawler holds no data: where it cannot be updated (moto), a change of its settings replaces it.
      const trigger = props.replaceOnChange
        ? new SettingsRecord(this, `crawler-${zone}-settings`, settings)
        : undefined;
      crawlers[zone] = new GlueCrawler(this, `crawler-${zone}`, {
        ...settings,
        // The role must hold its permissions before the first event-mode run.
        dependsOn: [inlinePolicy(this.policy)],
        // A bare address: Terraform refuses an interpolation ("${...}", what cdktf makes of the resource) here.
        ...(trigger
          ? {
              lifecycle: {
                replaceTriggeredBy: [`${SettingsRecord.tfResourceType}.${trigger.friendlyUniqueId}`],
              },
            }
          : {}),
      });
    }
    this.crawlers = crawlers;

    // Build: state changes -> queue -> orchestrator.
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.names.rule,
      description: "Crawler state changes of the event lake, for the orchestrator",
      eventPattern: JSON.stringify({
        source: ["aws.glue"],
        "detail-type": ["Glue Crawler State Change"],
        detail: {
          crawlerName: CATALOG_ZONES.map((z) => props.names.crawlers[z]),
          state: [...DEFAULTS.states],
        },
      }),
    });
    const deliver = (name: string) =>
      new DataAwsIamPolicyDocument(this, `${name}-policy`, {
        statement: [
          {
            sid: "RuleDelivers",
            principals: [{ type: "Service", identifiers: [aws.servicePrincipal("events")] }],
            actions: ["sqs:SendMessage"],
            resources: [aws.arn("sqs", name === "queue" ? props.names.queue : `${props.names.queue}-dlq`)],
            condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [this.rule.arn] }],
          },
        ],
      });
    // SSE-SQS: EventBridge can deliver to it without a key grant. Policies inline (moto wipes separate ones).
    this.dlq = new SqsQueue(this, "dlq", {
      name: `${props.names.queue}-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
      policy: deliver("dlq").json,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.names.queue,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: 6 * timeout,
      messageRetentionSeconds: 345_600,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.dlq.arn,
        maxReceiveCount: DEFAULTS.maxReceiveCount,
      }),
      policy: deliver("queue").json,
    });
    queueNotEmptyAlarm(this, "dlq-depth", {
      queueName: `${props.names.queue}-dlq`,
      description: `Crawler-state events the orchestrator could not handle (or EventBridge could not deliver) are waiting in ${props.names.queue}-dlq: inspect, fix, then redrive.`,
      alerts: props.alerts,
    });
    // Only the queue: a rule that also targets a Lambda makes moto's PutEvents fail, and the queue buffers.
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      arn: this.queue.arn,
      targetId: "orchestrator-queue",
      deadLetterConfig: { arn: this.dlq.arn },
      retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
    });

    // Build: the orchestrator.
    this.orchestrator = new TracedFunction(this, "orchestrator", {
      functionName: props.names.function,
      description: "Crawler chain: next crawler, curated transform, alert, run ledger",
      context: aws,
      code: props.code,
      memorySize: DEFAULTS.memorySize,
      timeout,
      ...(props.vpc ? { vpc: props.vpc } : {}),
      ...(props.logKey ? { logKey: props.logKey } : {}),
      environment: {
        CRAWLERS: Fn.jsonencode(Object.fromEntries(CATALOG_ZONES.map((z) => [z, crawlers[z].name]))),
        DATABASES: Fn.jsonencode(
          Object.fromEntries(CATALOG_ZONES.map((z) => [z, props.catalog.databases[z].name])),
        ),
        PIPELINES: JSON.stringify(props.pipelines),
        RAW_BUCKET: props.zones.raw.bucket.bucket,
        CURATED_BUCKET: props.zones.curated.bucket.bucket,
        LEDGER_TABLE: props.ledger.name,
        ALERTS_TOPIC_ARN: props.alerts.arn,
        // Per pipeline only a name, and that without the prefix all the names share: full ARNs took 4 KB at 19.
        TRANSFORMS: Lazy.stringValue({ produce: () => encodeTransforms(this.transforms).transforms }),
        TRANSFORM_NAME_PREFIX: Lazy.stringValue({
          produce: () => encodeTransforms(this.transforms).namePrefix,
        }),
        STATE_MACHINE_ARN_PREFIX: aws.arn("states", "stateMachine:"),
      },
    });
    const fn = this.orchestrator;
    fn.addSqsSource(this.queue, {
      batchSize: 10,
      maxConcurrency: DEFAULTS.maxConcurrency,
      enabled: props.eventSourceMappingEnabled ?? true,
    });
    fn.policy.addStatements(
      {
        actions: ["glue:GetCrawler", "glue:StartCrawler"],
        resources: CATALOG_ZONES.map((z) => aws.arn("glue", `crawler/${props.names.crawlers[z]}`)),
      },
      {
        actions: [
          "dynamodb:ConditionCheckItem",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:Query",
          "dynamodb:UpdateItem",
        ],
        resources: [props.ledger.arn],
      },
      { actions: ["sns:Publish"], resources: [props.alerts.arn] },
    );
    // The attribute is a token, always truthy: whether the topic is encrypted is in its input.
    if (props.alerts.kmsMasterKeyIdInput !== undefined)
      fn.policy.addStatements({
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [props.alerts.kmsMasterKeyId],
      });
    props.catalog.grantReadCatalog(fn.policy, "raw");
    props.catalog.grantReadCatalog(fn.policy, "curated");
    // Raw's dates, for every pipeline: one grant for the zone, whatever the number of pipelines (see the crawlers').
    props.zones.raw.grantRead(fn.policy);
  }

  /**
   * After raw is crawled, the orchestrator starts this pipeline's curated transform (and may only start that). For a
   * state machine it first deletes the curated files of each date it claimed (`<pipeline>/ingest_date=`), so a date
   * transformed again replaces its rows; a Glue job's bookmarks decide what it reads, and the orchestrator deletes
   * nothing for it.
   */
  addTransform(pipeline: string, target: { stateMachine: SfnStateMachine } | { job: GlueJob }): void {
    if (!this.props.pipelines.includes(pipeline))
      throw new Error(`CrawlerChain.addTransform: "${pipeline}" is not a pipeline of this chain`);
    if (this.transforms[pipeline])
      throw new Error(`CrawlerChain.addTransform: "${pipeline}" already has a transform`);
    const transform: TransformTarget =
      "stateMachine" in target
        ? { kind: "state-machine", name: target.stateMachine.nameInput ?? target.stateMachine.name }
        : { kind: "glue-job", name: target.job.nameInput ?? target.job.name };
    const bytes = orchestratorEnvironmentBytes(this.props.pipelines, {
      ...this.transforms,
      [pipeline]: transform,
    });
    if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES)
      throw new Error(
        `CrawlerChain.addTransform("${pipeline}"): the orchestrator's environment would be ${bytes} bytes with ${Object.keys(this.transforms).length + 1} transforms (PIPELINES and TRANSFORMS grow with every pipeline: its name twice and its transform's name after the prefix all share, ${FIXED_ENVIRONMENT_BYTES} bytes allowed for the other variables); Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes of environment variables in all. Shorten the pipeline names or split the pipelines over two lake stacks`,
      );
    this.transforms[pipeline] = transform;
    if ("stateMachine" in target)
      this.allowStart("state-machine", ["states:StartExecution"], target.stateMachine.arn);
    else
      this.allowStart(
        "glue-job",
        ["glue:GetJobRun", "glue:StartJobRun"],
        this.props.context.arn("glue", `job/${target.job.name}`),
      );
  }

  /**
   * The first transform of a kind adds its statement, later ones only a resource. The first state machine also lets
   * the orchestrator delete curated files under `<any pipeline>/ingest_date=` (one statement, whatever the number of
   * pipelines; a Glue-engine pipeline's dates included, which the orchestrator never deletes).
   */
  private allowStart(kind: TransformTarget["kind"], actions: string[], resource: string): void {
    const resources = this.startable[kind];
    if (resources) {
      resources.push(resource);
      return;
    }
    const first = [resource];
    this.startable[kind] = first;
    // RolePolicy keeps this object: resources pushed later are in the synthesized statement.
    this.orchestrator.policy.addStatements({ actions, resources: first });
    if (kind === "state-machine")
      this.props.zones.curated.grantDelete(this.orchestrator.policy, "*/ingest_date=");
  }
}

/** Lambda's limit on a function's environment variables, names and values together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * The orchestrator's variables that do not grow with the pipelines (CRAWLERS, DATABASES, the buckets, the ledger
 * table, the topic ARN, Powertools' and NODE_OPTIONS): an allowance: about 600 bytes resolved in test and sandbox.
 */
const FIXED_ENVIRONMENT_BYTES = 1000;
/** `arn:aws-us-gov:states:ap-southeast-2:123456789012:stateMachine:`: STATE_MACHINE_ARN_PREFIX at its longest. */
const ARN_PREFIX_MAX_BYTES = 63;
/** The longest names AWS allows, for a name that is a token at synth time. */
const NAME_MAX_BYTES: Record<TransformTarget["kind"], number> = { "state-machine": 80, "glue-job": 255 };
const KIND_CODE: Record<TransformTarget["kind"], string> = { "state-machine": "s", "glue-job": "g" };

/**
 * TRANSFORMS and TRANSFORM_NAME_PREFIX as handlers/orchestrator/config.ts reads them: pipeline -> `s:<name>` (state
 * machine) or `g:<name>` (Glue job), each name without the prefix the names share (cut after its last separator,
 * so that no name is all prefix; none if a name is a token).
 */
export function encodeTransforms(transforms: Readonly<Record<string, TransformTarget>>): {
  transforms: string;
  namePrefix: string;
} {
  const names = Object.values(transforms).map((t) => t.name);
  let namePrefix = names.some((n) => Token.isUnresolved(n)) ? "" : (names[0] ?? "");
  for (const name of names) while (!name.startsWith(namePrefix)) namePrefix = namePrefix.slice(0, -1);
  const cut = namePrefix.search(/[^a-zA-Z0-9][a-zA-Z0-9]*$/);
  namePrefix = cut === -1 ? "" : namePrefix.slice(0, cut + 1);
  return {
    transforms: JSON.stringify(
      Object.fromEntries(
        Object.entries(transforms).map(([p, t]) => [
          p,
          `${KIND_CODE[t.kind]}:${t.name.slice(namePrefix.length)}`,
        ]),
      ),
    ),
    namePrefix,
  };
}

/**
 * The orchestrator's environment once resolved, in bytes: PIPELINES, TRANSFORMS and TRANSFORM_NAME_PREFIX as they
 * will be (a token name at the longest name AWS allows), STATE_MACHINE_ARN_PREFIX at its longest, and the allowance
 * for the rest.
 */
export function orchestratorEnvironmentBytes(
  pipelines: readonly string[],
  transforms: Readonly<Record<string, TransformTarget>>,
): number {
  const { transforms: encoded, namePrefix } = encodeTransforms(transforms);
  const tokens = Object.values(transforms)
    .filter((t) => Token.isUnresolved(t.name))
    .reduce((sum, t) => sum + NAME_MAX_BYTES[t.kind] - t.name.length, 0);
  return (
    FIXED_ENVIRONMENT_BYTES +
    "PIPELINES".length +
    JSON.stringify(pipelines).length +
    "TRANSFORMS".length +
    encoded.length +
    tokens +
    "TRANSFORM_NAME_PREFIX".length +
    namePrefix.length +
    "STATE_MACHINE_ARN_PREFIX".length +
    ARN_PREFIX_MAX_BYTES
  );
}

/** `cron(M H D M W Y)` whose minute is one fixed number: at most one run an hour. */
const HOURLY_OR_RARER = /^cron\(\d{1,2} \S+ \S+ \S+ \S+ \S+\)$/;

function validate(props: CrawlerChainProps): void {
  const problems: string[] = [];
  for (const [zone, schedule] of Object.entries(props.schedules ?? {}))
    if (schedule !== undefined && !HOURLY_OR_RARER.test(schedule))
      problems.push(
        `schedules.${zone} "${schedule}" must be cron(M H D M W Y) with a fixed minute: at most hourly (each run bills 10 DPU-minutes or more)`,
      );
  const timeout = props.timeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 900))
    problems.push(`timeoutSeconds must be a whole number 1-900, got ${timeout}`);
  if (props.pipelines.length === 0) problems.push("pipelines: at least one is needed");
  if (new Set(Object.values(props.names.crawlers)).size !== CATALOG_ZONES.length)
    problems.push("names.crawlers: each zone's crawler needs its own name");
  if (problems.length > 0) throw new Error(`CrawlerChain: ${problems.join("; ")}`);
}
