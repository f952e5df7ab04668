import { type Block, dig, numberOf, type StackIndex } from "../../terraform/json.js";
import { compliant, nonCompliant, notApplicable, verdict } from "../engine.js";
import type { Rule } from "../types.js";

const FUNCTION = "aws_lambda_function";

/** Service principals that invoke Lambda asynchronously (the event is queued; failures go to a DLQ/destination). */
const ASYNC_SERVICES = ["s3", "sns", "events", "scheduler", "logs", "ses", "iot", "config", "codecommit"];

/** Oldest supported version per runtime family; older ones are deprecated or close to it. */
export const SUPPORTED_RUNTIMES: readonly {
  readonly family: RegExp;
  readonly minimum: number;
  readonly text: string;
}[] = [
  { family: /^nodejs(\d+)\.x$/, minimum: 22, text: "nodejs22.x or newer" },
  { family: /^python3\.(\d+)$/, minimum: 12, text: "python3.12 or newer" },
  { family: /^java(\d+)$/, minimum: 21, text: "java21 or newer" },
  { family: /^provided\.al(\d+)$/, minimum: 2023, text: "provided.al2023" },
];

/** The async invokers of a function: permissions for async services, SNS subscriptions, rules, schedules, S3 notifications. */
function asyncInvokers(stack: StackIndex, fn: Block): string[] {
  const invokers: string[] = [];
  for (const p of stack.resources("aws_lambda_permission")) {
    if (stack.resolve(FUNCTION, p.body["function_name"]) !== fn) continue;
    const service = /^([a-z0-9-]+)\./.exec(String(p.body["principal"] ?? ""))?.[1];
    if (service && ASYNC_SERVICES.includes(service)) invokers.push(`${service} (${p.address})`);
  }
  for (const [type, attribute] of [
    ["aws_sns_topic_subscription", "endpoint"],
    ["aws_cloudwatch_event_target", "arn"],
    ["aws_s3_bucket_notification", "lambda_function"],
    ["aws_scheduler_schedule", "target"],
    ["aws_lambda_function_event_invoke_config", "function_name"],
  ] as const)
    for (const r of stack.referrers(fn, type, attribute)) invokers.push(r.address);
  return invokers;
}

/** The log group a function writes to: `logging_config.log_group`, else `/aws/lambda/<function_name>`. */
function logGroupOf(stack: StackIndex, fn: Block): { group?: Block; expected: string } {
  const custom = dig(fn.body, "logging_config", "log_group");
  if (custom !== undefined) {
    const group = stack.resolve("aws_cloudwatch_log_group", custom);
    return { group, expected: stack.literal(custom) ?? String(custom) };
  }
  const name = stack.literal(fn.body["function_name"]);
  const expected = `/aws/lambda/${name ?? String(fn.body["function_name"])}`;
  const group =
    (name === undefined ? undefined : stack.resolve("aws_cloudwatch_log_group", expected)) ??
    stack
      .referrers(fn, "aws_cloudwatch_log_group", "name")
      .find((g) => String(g.body["name"]).startsWith("/aws/lambda/"));
  return { group, expected };
}

export const lambdaRules: readonly Rule[] = [
  {
    id: "LAMBDA.TracingActive",
    level: "error",
    title: "Functions have X-Ray tracing Active",
    explanation:
      'Traces follow one event through S3, SQS, Lambda and Glue. Set tracing_config { mode = "Active" }.',
    mirrors: "CKV_AWS_50",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const mode = dig(fn.body, "tracing_config", "mode");
        return verdict(
          fn,
          mode === "Active",
          "tracing is Active",
          `tracing mode is ${String(mode ?? "unset (PassThrough)")}`,
        );
      }),
  },
  {
    id: "LAMBDA.LogGroupWithRetention",
    level: "error",
    title: "Each function has its own log group, managed here, with a retention",
    explanation:
      "Lambda otherwise creates /aws/lambda/<name> itself with infinite retention, outside Terraform. Create an aws_cloudwatch_log_group with that name (or point logging_config.log_group at one) and set retention_in_days.",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const { group, expected } = logGroupOf(stack, fn);
        if (!group) return nonCompliant(fn, `no aws_cloudwatch_log_group named ${expected}`);
        const days = numberOf(group.body["retention_in_days"]);
        return verdict(
          fn,
          days !== undefined && days > 0,
          `${group.address} keeps logs ${days} days`,
          `${group.address} has no retention_in_days`,
        );
      }),
  },
  {
    id: "LAMBDA.ConcurrencyLimit",
    level: "error",
    title: "Functions cap their concurrency (reserved, or maximum concurrency on every SQS mapping)",
    explanation:
      "A burst of files or messages must not exhaust the account's concurrency or overload Glue, Athena or DynamoDB downstream. Set reserved_concurrent_executions >= 1, or scaling_config.maximum_concurrency on each event source mapping that feeds the function.",
    mirrors: "CKV_AWS_115",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const reserved = numberOf(fn.body["reserved_concurrent_executions"]);
        if (reserved !== undefined && reserved >= 1) return compliant(fn, `reserved concurrency ${reserved}`);
        const mappings = stack
          .resources("aws_lambda_event_source_mapping")
          .filter((m) => stack.resolve(FUNCTION, m.body["function_name"]) === fn);
        const capped = mappings.filter(
          (m) => numberOf(dig(m.body, "scaling_config", "maximum_concurrency")) !== undefined,
        );
        return verdict(
          fn,
          mappings.length > 0 && capped.length === mappings.length,
          `maximum concurrency on ${capped.map((m) => m.address).join(", ")}`,
          "has neither reserved_concurrent_executions >= 1 nor maximum_concurrency on every event source mapping",
        );
      }),
  },
  {
    id: "LAMBDA.AsyncFailureDestination",
    level: "error",
    title: "Asynchronously invoked functions keep failed events (DLQ or on-failure destination)",
    explanation:
      "After its retries Lambda drops a failed async event unless a dead_letter_config or an aws_lambda_function_event_invoke_config on_failure destination keeps it. Applies to functions invoked by S3, SNS, EventBridge, Scheduler and other async sources; functions fed only by event source mappings are not applicable (their queue's DLQ keeps failures).",
    mirrors: "CKV_AWS_116",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const invokers = asyncInvokers(stack, fn);
        if (invokers.length === 0) return notApplicable(fn, "not invoked asynchronously");
        const dlq = dig(fn.body, "dead_letter_config", "target_arn");
        if (typeof dlq === "string" && dlq !== "")
          return compliant(fn, `dead-letter queue ${stack.target(dlq)?.address ?? dlq}`);
        const onFailure = stack
          .referrers(fn, "aws_lambda_function_event_invoke_config", "function_name")
          .map((c) => dig(c.body, "destination_config", "on_failure", "destination"))
          .find((d) => typeof d === "string" && d !== "");
        return verdict(
          fn,
          onFailure !== undefined,
          `on-failure destination ${stack.target(onFailure)?.address ?? String(onFailure)}`,
          `invoked asynchronously by ${invokers.join(", ")} but has no DLQ or on-failure destination`,
        );
      }),
  },
  {
    id: "LAMBDA.SupportedRuntime",
    level: "error",
    title: "Functions use a supported runtime (nodejs22.x or newer)",
    explanation:
      "nodejs20.x and older are deprecated or close to it: no security patches, and then no updates to the function. Use nodejs22.x or newer (python3.12+, java21+, provided.al2023 for other families).",
    mirrors: "AwsSolutions-L1",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        if (fn.body["package_type"] === "Image")
          return notApplicable(fn, "container image: the runtime is in the image");
        const runtime = String(fn.body["runtime"] ?? "");
        const family = SUPPORTED_RUNTIMES.find((r) => r.family.test(runtime));
        const version = Number(family?.family.exec(runtime)?.[1]);
        return verdict(
          fn,
          family !== undefined && version >= family.minimum,
          `runtime ${runtime}`,
          `runtime ${runtime === "" ? "(unset)" : runtime} is not supported; use ${family?.text ?? "nodejs22.x or newer"}`,
        );
      }),
  },
  {
    id: "LAMBDA.ExplicitMemoryAndTimeout",
    level: "error",
    title: "Functions state memory_size and timeout",
    explanation:
      "The defaults (128 MB, 3 s) are rarely right for file processing, and the queue visibility timeout is derived from the timeout. Set both explicitly.",
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const missing = ["memory_size", "timeout"].filter((k) => fn.body[k] === undefined);
        return verdict(
          fn,
          missing.length === 0,
          `memory ${String(fn.body["memory_size"])} MB, timeout ${String(fn.body["timeout"])} s`,
          `${missing.join(" and ")} not set (defaults 128 MB / 3 s)`,
        );
      }),
  },
  {
    id: "LAMBDA.JsonLogs",
    level: "warning",
    title: "Functions log in JSON",
    explanation:
      'JSON logs (logging_config.log_format = "JSON") can be filtered by level and queried with Logs Insights fields; Powertools Logger writes JSON either way, but the platform lines only follow this setting.',
    check: (stack) =>
      stack.resources(FUNCTION).map((fn) => {
        const format = dig(fn.body, "logging_config", "log_format");
        return verdict(
          fn,
          format === "JSON",
          "log format JSON",
          `log format is ${String(format ?? "unset (Text)")}`,
        );
      }),
  },
];
