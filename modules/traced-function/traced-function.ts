import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { type AwsContext, logGroupKey, serviceTrustStatement } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import {
  TRACED_FUNCTION_DEFAULTS as DEFAULTS,
  LOG_RETENTION_DAYS,
  type SqsSourceOptions,
  type TracedFunctionProps,
} from "./traced-function-props.js";

/** Environment variables Lambda sets itself and refuses in a function's configuration. */
const RESERVED_ENVIRONMENT = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "AWS_REGION",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "LAMBDA_RUNTIME_DIR",
  "LAMBDA_TASK_ROOT",
]);

/**
 * A Node.js Lambda as every handler of the lake runs: tracing Active, its own JSON log group with retention,
 * explicit memory and timeout, Powertools settings in the environment, and a role whose one inline policy grows
 * through `grant*` calls on other constructs (`zone.grantRead(fn.policy)`), each scoped to the exact resource.
 */
export class TracedFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** Hand this to other constructs' `grant*` methods. */
  readonly policy: RolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  /** Encrypts the log group: the caller's `logKey`, or the function's own. */
  readonly logKey: KmsKey;
  readonly timeout: number;
  private readonly context: AwsContext;
  /** The inline policy resource inside `policy` (construct id "policy" of RolePolicy), for dependsOn. */
  private readonly policyResource: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TracedFunctionProps) {
    super(scope, id);
    // Validate.
    validate(props);
    this.context = props.context;
    this.timeout = props.timeout;
    const logLevel = props.logLevel ?? DEFAULTS.logLevel;

    // Build.
    const logGroupName = `/aws/lambda/${props.functionName}`;
    this.logKey =
      props.logKey ??
      logGroupKey(this, "log-key", {
        context: props.context,
        logGroupArns: [props.context.arn("logs", `log-group:${logGroupName}`)],
        description: `event-lake logs of function ${props.functionName}`,
      });
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: this.logKey.arn,
    });
    const assume = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [serviceTrustStatement(props.context, ["lambda"], { sourceAccount: false })],
    });
    this.role = new IamRole(this, "role", {
      name: props.functionName,
      description: `Execution role of ${props.functionName}`,
      assumeRolePolicy: assume.json,
    });
    this.policy = new RolePolicy(this, "policy", { role: this.role, policyName: props.functionName });
    const inline = this.policy.node.findChild("policy");
    if (!(inline instanceof IamRolePolicy))
      throw new Error("RolePolicy no longer holds its IamRolePolicy as 'policy'");
    this.policyResource = inline;
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: DEFAULTS.runtime,
      handler: DEFAULTS.handler,
      architectures: [DEFAULTS.architecture],
      filename: props.code.zipPath,
      sourceCodeHash: props.code.sha256 ?? Fn.filebase64sha256(props.code.zipPath),
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorage:
        props.ephemeralStorageMb === undefined ? undefined : { size: props.ephemeralStorageMb },
      layers: props.layers?.map((layer) => layer.arn),
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: mergeEnvironment(props, logLevel) },
      // Applied after the caller's props: none of these can be switched off.
      tracingConfig: { mode: "Active" },
      vpcConfig: props.vpc
        ? {
            subnetIds: props.vpc.subnets.map((subnet) => subnet.id),
            securityGroupIds: props.vpc.securityGroups.map((group) => group.id),
          }
        : undefined,
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: logLevel },
      // The role's policy must exist before the function first runs, or the first invocations cannot log.
      dependsOn: [this.policyResource],
    });

    // Wire.
    this.policy.addStatements(
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
      {
        sid: "WriteTraces",
        actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        // X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions: the API accepts
        // only "*" (see the Service Authorization Reference for AWS X-Ray).
        resources: ["*"],
      },
    );
    if (props.vpc) this.wireVpc(props.vpc);
    if (props.onFailure) this.wireOnFailure(props.onFailure);
  }

  get functionName(): string {
    return this.function.functionName;
  }

  get arn(): string {
    return this.function.arn;
  }

  /**
   * Consume `queue`: an event source mapping that reports partial batch failures (only the failed messages return
   * to the queue) and caps the concurrency the queue can drive, plus exactly the queue permissions a consumer needs
   * on that queue's ARN. Throws when the queue's visibility timeout is under 6x the function's timeout, which would
   * let a message become visible again while its first invocation still runs.
   */
  addSqsSource(queue: SqsQueue, options: SqsSourceOptions = {}): LambdaEventSourceMapping {
    const problems: string[] = [];
    const batchSize = options.batchSize ?? DEFAULTS.sqsBatchSize;
    const maxConcurrency = options.maxConcurrency ?? DEFAULTS.sqsMaxConcurrency;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
      problems.push(`batchSize must be 1-10, got ${batchSize}`);
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000)
      problems.push(`maxConcurrency must be 2-1000, got ${maxConcurrency}`);
    const visibility = configuredVisibilityTimeout(queue);
    const needed = DEFAULTS.visibilityTimeoutFactor * this.timeout;
    if (visibility === undefined)
      problems.push(
        `queue ${queue.node.id}: visibilityTimeoutSeconds must be a literal number to be checked`,
      );
    else if (visibility < needed)
      problems.push(
        `queue ${queue.node.id}: visibilityTimeoutSeconds ${visibility} is under 6x the function timeout (${needed})`,
      );
    if (problems.length > 0)
      throw new Error(`TracedFunction ${this.node.id}.addSqsSource: ${problems.join("; ")}`);

    this.policy.addStatements({
      sid: sid("Consume", queue.node.id),
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
      ],
      resources: [queue.arn],
    });
    if (options.key) this.allowKey(options.key, ["kms:Decrypt"], "sqs", queue.node.id);
    return new LambdaEventSourceMapping(this, `sqs-source-${queue.node.id}`, {
      functionName: this.function.arn,
      eventSourceArn: queue.arn,
      batchSize,
      enabled: options.enabled ?? DEFAULTS.sqsEnabled,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: maxConcurrency },
      // The consumer must be allowed to receive before the mapping starts polling.
      dependsOn: [this.policyResource],
    });
  }

  /**
   * What Lambda needs to attach the function to the VPC: create its network interfaces only in the given subnets,
   * behind the given security groups, and manage only interfaces in those subnets (ec2:Subnet). DescribeNetworkInterfaces
   * accepts only "*" (an EC2 Describe call); everything else is scoped.
   */
  private wireVpc(vpc: NonNullable<TracedFunctionProps["vpc"]>): void {
    const aws = this.context;
    const interfaces = aws.arn("ec2", "network-interface/*");
    this.policy.addStatements(
      {
        sid: "CreateNetworkInterfaces",
        actions: ["ec2:CreateNetworkInterface"],
        resources: [
          interfaces,
          ...vpc.subnets.map((subnet) => subnet.arn),
          ...vpc.securityGroups.map((group) => group.arn),
        ],
      },
      {
        sid: "ManageNetworkInterfaces",
        actions: [
          "ec2:AssignPrivateIpAddresses",
          "ec2:DeleteNetworkInterface",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: [interfaces],
        // Only interfaces in the function's own subnets, not every interface of the account and region.
        condition: [
          { test: "ArnEquals", variable: "ec2:Subnet", values: vpc.subnets.map((subnet) => subnet.arn) },
        ],
      },
      {
        sid: "DescribeNetworkInterfaces",
        actions: ["ec2:DescribeNetworkInterfaces"],
        // An EC2 Describe call: the API accepts only "*".
        resources: ["*"],
      },
    );
  }

  private wireOnFailure(onFailure: NonNullable<TracedFunctionProps["onFailure"]>): void {
    const target = onFailure.queue ?? onFailure.topic;
    if (!target) return; // validate() has already refused this
    if (onFailure.queue)
      this.policy.addStatements({
        sid: "SendFailedEvents",
        actions: ["sqs:SendMessage"],
        resources: [onFailure.queue.arn],
      });
    if (onFailure.topic)
      this.policy.addStatements({
        sid: "PublishFailedEvents",
        actions: ["sns:Publish"],
        resources: [onFailure.topic.arn],
      });
    if (onFailure.key)
      this.allowKey(
        onFailure.key,
        ["kms:Decrypt", "kms:GenerateDataKey"],
        onFailure.queue ? "sqs" : "sns",
        "OnFailure",
      );
    new LambdaFunctionEventInvokeConfig(this, "async-invoke-config", {
      functionName: this.function.functionName,
      maximumRetryAttempts: onFailure.maximumRetryAttempts ?? DEFAULTS.onFailureMaximumRetryAttempts,
      maximumEventAgeInSeconds: onFailure.maximumEventAgeSeconds ?? DEFAULTS.onFailureMaximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: target.arn } },
      dependsOn: [this.policyResource],
    });
  }

  /** Use of a customer-managed key, only through the service that holds the data. */
  private allowKey(key: KmsKey, actions: string[], service: string, name: string): void {
    this.policy.addStatements({
      sid: sid(`Key${service}`, name),
      actions,
      resources: [key.arn],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`${service}.${this.context.region}.${this.context.dnsSuffix}`],
        },
      ],
    });
  }
}

/** The caller's environment plus the Powertools settings it did not set itself. */
function mergeEnvironment(props: TracedFunctionProps, logLevel: string): Record<string, string> {
  const caller = props.environment ?? {};
  const callerNodeOptions = caller.NODE_OPTIONS;
  const nodeOptions =
    callerNodeOptions === undefined
      ? DEFAULTS.nodeOptions
      : callerNodeOptions.split(/\s+/).includes(DEFAULTS.nodeOptions)
        ? callerNodeOptions
        : `${callerNodeOptions} ${DEFAULTS.nodeOptions}`.trim();
  return {
    POWERTOOLS_SERVICE_NAME: props.serviceName ?? props.functionName,
    POWERTOOLS_METRICS_NAMESPACE: DEFAULTS.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: logLevel,
    ...caller,
    NODE_OPTIONS: nodeOptions,
  };
}

/** The visibility timeout the queue is configured with: AWS's default 30 when unset, undefined when a token. */
function configuredVisibilityTimeout(queue: SqsQueue): number | undefined {
  const resources = queue.toTerraform() as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const config = Object.values(resources.resource?.aws_sqs_queue ?? {})[0] ?? {};
  const value = config.visibility_timeout_seconds;
  if (value === undefined) return 30;
  return typeof value === "number" && !Token.isUnresolved(value) ? value : undefined;
}

function validate(props: TracedFunctionProps): void {
  const problems: string[] = [];
  const wholeIn = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      problems.push(`${name} must be a whole number ${min}-${max}, got ${value}`);
  };
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName))
    problems.push(`functionName "${props.functionName}" must be 1-64 letters, digits, "-" or "_"`);
  wholeIn("memorySize", props.memorySize, 128, 10_240);
  wholeIn("timeout", props.timeout, 1, 900);
  wholeIn("reservedConcurrency", props.reservedConcurrency, 0, 1000);
  wholeIn("ephemeralStorageMb", props.ephemeralStorageMb, 512, 10_240);
  const retention = props.logRetentionDays;
  if (retention !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention))
    problems.push(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${retention}`);
  if (!props.code.zipPath.endsWith(".zip"))
    problems.push(`code.zipPath "${props.code.zipPath}" is not a .zip`);
  const reserved = Object.keys(props.environment ?? {}).filter((k) => RESERVED_ENVIRONMENT.has(k));
  if (reserved.length > 0)
    problems.push(`environment sets keys Lambda reserves: ${reserved.sort().join(", ")}`);
  const onFailure = props.onFailure;
  if (onFailure) {
    if ((onFailure.queue === undefined) === (onFailure.topic === undefined))
      problems.push("onFailure needs exactly one of queue or topic");
    wholeIn("onFailure.maximumRetryAttempts", onFailure.maximumRetryAttempts, 0, 2);
    wholeIn("onFailure.maximumEventAgeSeconds", onFailure.maximumEventAgeSeconds, 60, 21_600);
  }
  if (props.vpc) {
    if (props.vpc.subnets.length === 0) problems.push("vpc.subnets must name at least one subnet");
    const groups = props.vpc.securityGroups.length;
    if (groups < 1 || groups > 5)
      problems.push(`vpc.securityGroups must hold 1-5 security groups, got ${groups}`);
  }
  if (problems.length > 0) throw new Error(`TracedFunction ${props.functionName}: ${problems.join("; ")}`);
}

function sid(kind: string, name: string): string {
  return `${kind}${name.replace(/[^A-Za-z0-9]/g, "")}`;
}
