import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { GlueJob } from "@cdktf/provider-aws/lib/glue-job";
import { GlueTrigger } from "@cdktf/provider-aws/lib/glue-trigger";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../../src/core/paths.js";
import { type AwsContext, type Grantee, logGroupKey, serviceTrustStatement } from "../aws-context/index.js";
import { inlinePolicy } from "../crawler-chain/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { LOG_RETENTION_DAYS } from "../traced-function/index.js";
import {
  CURATED_DATABASE_STAND_INS,
  type CuratedStageProps,
  type CuratedTransform,
  CURATED_STAGE_DEFAULTS as DEFAULTS,
} from "./curated-stage-props.js";
import { curatedStateMachineDefinition } from "./definition.js";

// From the project root, not import.meta.url: the app runs bundled (dist/main.cjs), where that points at dist/.
const SCRIPT = join(projectRoot(), "modules", "curated-stage", "glue", "curated_transform.py");

/**
 * The curated stage of one pipeline. Engine athena: a Step Functions state machine (X-Ray tracing, ALL events
 * logged to its own log group) running one Athena INSERT per ingest date, then the curated crawler, with retries
 * and an alerting failure path. Engine glue: a Glue ETL job (PySpark script shipped as an asset, job bookmarks,
 * timeout, worker cap, the catalog's security configuration) and a conditional trigger that starts the curated
 * crawler when it succeeds.
 */
export class CuratedStage extends Construct {
  /** The ASL, built in every environment (the local runner walks it). Undefined for engine glue. */
  readonly definition?: Record<string, unknown>;
  readonly stateMachine?: SfnStateMachine;
  readonly logGroup?: CloudwatchLogGroup;
  readonly job?: GlueJob;
  readonly role?: IamRole;
  private readonly context: AwsContext;

  constructor(scope: Construct, id: string, props: CuratedStageProps) {
    super(scope, id);
    validate(props);
    this.context = props.context;
    const transform = props.transform;
    const databases = {
      raw: props.catalog.databases.raw.name,
      curated: props.catalog.databases.curated.name,
    };
    if (transform.engine === "athena") {
      // The database names are Terraform tokens ("${TfToken[…]}"): escaping them for States.Format would leave
      // them unresolved in the ASL. The template names stand-ins; the tokens go in their place here. GlueCatalog
      // validates database names to [a-z0-9_], which need no escape.
      this.definition = curatedStateMachineDefinition({
        pipeline: props.pipelineName,
        queryTemplate: transform.insertTemplate
          .replaceAll(CURATED_DATABASE_STAND_INS.raw, databases.raw)
          .replaceAll(CURATED_DATABASE_STAND_INS.curated, databases.curated),
        dateArguments: transform.dateArguments,
        workgroup: props.workgroup.name,
        database: databases.curated,
        curatedCrawler: props.curatedCrawler.name,
        ledgerTable: props.ledger.name,
        alertsTopicArn: props.alerts.arn,
      });
      if (props.createStateMachine ?? DEFAULTS.createStateMachine)
        this.buildStateMachine(props, this.definition);
    } else this.buildJob(props, transform, databases.raw);
  }

  private role_(props: CuratedStageProps, service: string): { role: IamRole; policy: RolePolicy } {
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [serviceTrustStatement(props.context, [service])],
    });
    const role = new IamRole(this, "role", {
      name: props.name,
      description: `Curated stage of ${props.pipelineName}`,
      assumeRolePolicy: trust.json,
    });
    const policy = new RolePolicy(this, "policy", { role, policyName: props.name });
    // Read raw, write curated, under this pipeline's prefix only; the catalog of both.
    const prefix = `${props.pipelineName}/`;
    props.zones.raw.grantRead(policy, prefix);
    props.zones.curated.grantRead(policy, prefix);
    props.zones.curated.grantWrite(policy, prefix);
    policy.addStatements({
      actions: ["s3:GetBucketLocation"],
      resources: [props.zones.raw.bucket.arn, props.zones.curated.bucket.arn],
    });
    props.catalog.grantReadCatalog(policy, "raw");
    props.catalog.grantReadCatalog(policy, "curated");
    props.catalog.grantWriteCatalog(policy, "curated");
    return { role, policy };
  }

  private buildStateMachine(props: CuratedStageProps, definition: Record<string, unknown>): void {
    const { role, policy } = this.role_(props, "states");
    props.workgroup.grantQuery(policy);
    allowPublish(policy, props);
    policy.addStatements(
      {
        actions: ["glue:StartCrawler"],
        resources: [props.context.arn("glue", `crawler/${props.curatedCrawler.name}`)],
      },
      { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [props.ledger.arn] },
      {
        sid: "DeliverLogs",
        // CloudWatch Logs' log-delivery API has no resource types: AWS accepts only "*" for these actions.
        actions: [
          "logs:CreateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:DescribeLogGroups",
          "logs:DescribeResourcePolicies",
          "logs:GetLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:UpdateLogDelivery",
        ],
        resources: ["*"],
      },
      {
        sid: "WriteTraces",
        // X-Ray supports no resource-level permissions for trace uploads and sampling: only "*".
        actions: [
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          "xray:PutTelemetryRecords",
          "xray:PutTraceSegments",
        ],
        resources: ["*"],
      },
    );
    const logGroupName = `/aws/vendedlogs/states/${props.name}`;
    const logKey =
      props.logKey ??
      logGroupKey(this, "log-key", {
        context: props.context,
        logGroupArns: [props.context.arn("logs", `log-group:${logGroupName}`)],
        description: `event-lake logs of state machine ${props.name}`,
      });
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: logKey.arn,
    });
    const machine = new SfnStateMachine(this, "state-machine", {
      name: props.name,
      roleArn: role.arn,
      type: "STANDARD",
      definition: JSON.stringify(definition),
      loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${logGroup.arn}:*` },
      tracingConfiguration: { enabled: true },
      dependsOn: [inlinePolicy(policy)],
    });
    Object.assign(this, { role, logGroup, stateMachine: machine });
  }

  private buildJob(
    props: CuratedStageProps,
    transform: Extract<CuratedTransform, { engine: "glue" }>,
    rawDatabase: string,
  ): void {
    const { role, policy } = this.role_(props, "glue");
    props.catalog.grantSecurityConfiguration(policy);
    const asset = new TerraformAsset(this, "script-asset", { path: SCRIPT, type: AssetType.FILE });
    const key = `_glue/scripts/${props.pipelineName}/curated_transform-${asset.assetHash}.py`;
    const script = new S3Object(this, "script", {
      bucket: props.zones.curated.bucket.bucket,
      key,
      source: asset.path,
      sourceHash: asset.assetHash,
    });
    props.zones.curated.grantRead(policy, key);
    const glue = props.glue ?? {};
    const job = new GlueJob(this, "job", {
      name: props.name,
      description: `Curated transform of ${props.pipelineName} (Spark)`,
      roleArn: role.arn,
      glueVersion: DEFAULTS.glueVersion,
      workerType: DEFAULTS.glueWorkerType,
      numberOfWorkers: glue.workers ?? DEFAULTS.glueWorkers,
      timeout: glue.timeoutMinutes ?? DEFAULTS.glueTimeoutMinutes,
      maxRetries: 1,
      executionClass: DEFAULTS.executionClass,
      securityConfiguration: props.catalog.securityConfiguration.name,
      executionProperty: { maxConcurrentRuns: 1 },
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: `s3://${script.bucket}/${script.key}` },
      defaultArguments: {
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-metrics": "true",
        "--raw_database": rawDatabase,
        "--table": props.pipelineName,
        "--transform_sql": transform.sql,
        "--curated_path": `s3://${props.zones.curated.bucket.bucket}/${props.pipelineName}/`,
        "--columns": transform.columns.join(","),
        "--partition_keys": transform.partitionKeys.join(","),
      },
      dependsOn: [inlinePolicy(policy)],
    });
    new GlueTrigger(this, "crawl-when-done", {
      name: `${props.name}-crawl-curated`,
      description: `Crawl curated when ${props.name} succeeds`,
      type: "CONDITIONAL",
      startOnCreation: true,
      predicate: { conditions: [{ jobName: job.name, state: "SUCCEEDED", logicalOperator: "EQUALS" }] },
      actions: [{ crawlerName: props.curatedCrawler.name }],
    });
    Object.assign(this, { role, job });
  }
}

function allowPublish(policy: Grantee, props: CuratedStageProps): void {
  policy.addStatements({ actions: ["sns:Publish"], resources: [props.alerts.arn] });
  // The attribute is a token, always truthy: whether the topic is encrypted is in its input.
  if (props.alerts.kmsMasterKeyIdInput !== undefined)
    policy.addStatements({
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [props.alerts.kmsMasterKeyId],
    });
}

function validate(props: CuratedStageProps): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.name))
    problems.push(`name "${props.name}" must be 1-64 letters, digits, "-" or "_" (it also names the role)`);
  const retention = props.logRetentionDays;
  if (retention !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention))
    problems.push(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${retention}`);
  const workers = props.glue?.workers;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 2 || workers > 10))
    problems.push(`glue.workers must be a whole number 2-10, got ${workers}`);
  const minutes = props.glue?.timeoutMinutes;
  if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 2880))
    problems.push(`glue.timeoutMinutes must be a whole number 1-2880, got ${minutes}`);
  if (props.glue !== undefined && props.transform.engine !== "glue")
    problems.push(`glue options given, but pipeline ${props.pipelineName} runs on athena`);
  if (problems.length > 0) throw new Error(`CuratedStage ${props.name}: ${problems.join("; ")}`);
}
