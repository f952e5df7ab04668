import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { AwsContext } from "../aws-context/index.js";

/** Application log levels Lambda filters JSON logs by (and Powertools logs at). */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

export interface TracedFunctionProps {
  /** Physical function name, from the naming helper; also the role's name and the log group's suffix. */
  readonly functionName: string;
  readonly context: AwsContext;
  /**
   * The built zip (`dist/handlers/<name>.zip`, see handlers/build.ts) and, from the build manifest, its base64
   * SHA-256. Give the absolute path: Terraform resolves a relative one from the stack's folder.
   */
  readonly code: {
    readonly zipPath: string;
    /** @default `Fn.filebase64sha256(zipPath)`, read by Terraform at plan time */
    readonly sha256?: string;
  };
  /** MB, 128-10240. Required: the right size is a decision, not a default. */
  readonly memorySize: number;
  /** Seconds, 1-900. Required for the same reason; SQS sources need a visibility timeout of at least 6x this. */
  readonly timeout: number;
  readonly description?: string;
  /** MB of /tmp, 512-10240: a function that spools files there needs room for the largest. @default 512 */
  readonly ephemeralStorageMb?: number;
  /**
   * The caller's environment. The construct adds POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE,
   * POWERTOOLS_LOG_LEVEL and NODE_OPTIONS=--enable-source-maps only where the caller set nothing; a caller's
   * NODE_OPTIONS gets `--enable-source-maps` appended, never replaced. Keys Lambda reserves are rejected.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** POWERTOOLS_SERVICE_NAME. @default functionName */
  readonly serviceName?: string;
  /** Days the function's log group keeps logs; one of CloudWatch's allowed values. @default 30 */
  readonly logRetentionDays?: number;
  /**
   * The key the function's log group is encrypted with; its policy must let CloudWatch Logs use it for
   * `/aws/lambda/<functionName>` (logGroupKey, logsKeyStatement). @default a rotating key of its own, for this log
   * group only (construct id `log-key`)
   */
  readonly logKey?: KmsKey;
  /** Lambda's application log level for JSON logs, and POWERTOOLS_LOG_LEVEL. @default "INFO" */
  readonly logLevel?: LogLevel;
  /** Layers, e.g. the DuckDB layer (built for x86_64, the function's architecture). @default none */
  readonly layers?: readonly LambdaLayerVersion[];
  /** Reserved concurrency, 0 or more (0 stops the function). @default unreserved: the account's pool */
  readonly reservedConcurrency?: number;
  /** Where asynchronous invocations go after their last retry. @default none (Lambda drops them) */
  readonly onFailure?: OnFailureDestination;
  /**
   * Run in these private subnets behind these security groups (modules/network: `privateSubnets`,
   * `lambdaSecurityGroup`); the role gets exactly the ENI permissions Lambda needs for that. @default not in a VPC
   */
  readonly vpc?: FunctionVpc;
}

export interface FunctionVpc {
  /** At least one; one per availability zone for resilience. */
  readonly subnets: readonly Subnet[];
  /** One to five. */
  readonly securityGroups: readonly SecurityGroup[];
}

/** Exactly one of `queue` or `topic`; `key` when that target is encrypted with a customer-managed key. */
export interface OnFailureDestination {
  readonly queue?: SqsQueue;
  readonly topic?: SnsTopic;
  readonly key?: KmsKey;
  /** Retries of a failed asynchronous invocation, 0-2. @default 2 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an event may wait for processing, 60-21600. @default 21600 (Lambda's maximum) */
  readonly maximumEventAgeSeconds?: number;
}

export interface SqsSourceOptions {
  /** Messages per invocation, 1-10. @default 10 */
  readonly batchSize?: number;
  /** Concurrent invocations this source may drive, 2-1000: the brake on a burst. @default 2 */
  readonly maxConcurrency?: number;
  /** @default true (the local environment passes false: moto cannot run mappings) */
  readonly enabled?: boolean;
  /** The queue's customer-managed key, when it has one: the function must decrypt messages. @default none */
  readonly key?: KmsKey;
}

/** Defaults, in one place so tests and docs can pin them. */
export const TRACED_FUNCTION_DEFAULTS = {
  runtime: "nodejs22.x",
  handler: "handler.handler",
  /** The DuckDB layer carries an x86_64 binary, the architecture tests run on here. */
  architecture: "x86_64",
  logRetentionDays: 30,
  logLevel: "INFO",
  metricsNamespace: "EventLake",
  nodeOptions: "--enable-source-maps",
  sqsBatchSize: 10,
  sqsMaxConcurrency: 2,
  sqsEnabled: true,
  onFailureMaximumRetryAttempts: 2,
  onFailureMaximumEventAgeSeconds: 21_600,
  /** A queue's visibility timeout must be at least this many times the consumer's timeout. */
  visibilityTimeoutFactor: 6,
} as const;

/** Values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
