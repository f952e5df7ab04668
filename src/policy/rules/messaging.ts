import { type Block, booleanOf, numberOf, type StackIndex } from "../../terraform/json.js";
import { compliant, nonCompliant, notApplicable, verdict } from "../engine.js";
import type { Rule } from "../types.js";

const QUEUE = "aws_sqs_queue";
/** AWS defaults when the attribute is left out. */
const DEFAULT_VISIBILITY_TIMEOUT = 30;
const DEFAULT_LAMBDA_TIMEOUT = 3;

/** Where a queue serves as somebody's dead-letter queue or failure destination. */
const DEAD_LETTER_USES: readonly (readonly [string, string])[] = [
  ["aws_lambda_function", "dead_letter_config"],
  ["aws_lambda_function_event_invoke_config", "destination_config.on_failure"],
  ["aws_lambda_event_source_mapping", "destination_config.on_failure"],
  ["aws_sns_topic_subscription", "redrive_policy"],
  ["aws_cloudwatch_event_target", "dead_letter_config"],
  ["aws_scheduler_schedule", "target.dead_letter_config"],
];

/** What makes a queue a dead-letter queue (another queue's redrive, a failure destination), or undefined. */
function deadLetterRole(stack: StackIndex, queue: Block): string | undefined {
  if (typeof queue.body["redrive_allow_policy"] === "string") return "has a redrive_allow_policy";
  const source = stack
    .resources(QUEUE)
    .find((q) => q !== queue && stack.redrive(q)?.deadLetterTarget === queue);
  if (source) return `dead-letter queue of ${source.address}`;
  for (const [type, attribute] of DEAD_LETTER_USES) {
    const user = stack.referrers(queue, type, attribute)[0];
    if (user) return `failure destination of ${user.address}`;
  }
  return undefined;
}

/** The Lambda event source mappings reading a queue, with the function each feeds (when it resolves). */
export function lambdaConsumers(stack: StackIndex, queue: Block): { mapping: Block; fn?: Block }[] {
  return stack
    .resources("aws_lambda_event_source_mapping")
    .filter((m) => stack.resolve(QUEUE, m.body["event_source_arn"]) === queue)
    .map((mapping) => ({ mapping, fn: stack.resolve("aws_lambda_function", mapping.body["function_name"]) }));
}

export const messagingRules: readonly Rule[] = [
  {
    id: "SQS.Encrypted",
    level: "error",
    title: "Queues are encrypted at rest (SSE-KMS or SSE-SQS, stated explicitly)",
    explanation:
      "Messages carry lake events and sometimes record data. Set kms_master_key_id (preferred when producers are AWS services with their own key policies) or sqs_managed_sse_enabled = true; do not rely on the account default.",
    mirrors: "CKV_AWS_27",
    seeAlso: ["AwsSolutions-SQS2"],
    check: (stack) =>
      stack.resources(QUEUE).map((q) => {
        const key = q.body["kms_master_key_id"];
        if (typeof key === "string" && key !== "")
          return compliant(q, `SSE-KMS with ${stack.target(key)?.address ?? key}`);
        return verdict(
          q,
          booleanOf(q.body["sqs_managed_sse_enabled"]) === true,
          "SSE-SQS enabled",
          "neither kms_master_key_id nor sqs_managed_sse_enabled = true is set",
        );
      }),
  },
  {
    id: "SQS.DeadLetterQueue",
    level: "error",
    title: "Queues have a dead-letter queue with a stated maxReceiveCount",
    explanation:
      "Without a DLQ a poison message is retried until it expires and is lost. Set redrive_policy (inline, see LOCAL_GAPS sqs-separate-policies) with deadLetterTargetArn and maxReceiveCount. A queue that is itself a DLQ (another queue's redrive target, or a Lambda/SNS/EventBridge failure destination) is not applicable.",
    mirrors: "AwsSolutions-SQS3",
    check: (stack) =>
      stack.resources(QUEUE).map((q) => {
        const role = deadLetterRole(stack, q);
        if (role) return notApplicable(q, `is a dead-letter queue (${role})`);
        const redrive = stack.redrive(q);
        if (!redrive) return nonCompliant(q, "has no redrive_policy (dead-letter queue)");
        if (!redrive.deadLetterTargetArn)
          return nonCompliant(q, "redrive_policy has no deadLetterTargetArn (or cannot be read statically)");
        if (redrive.maxReceiveCount === undefined || redrive.maxReceiveCount < 1)
          return nonCompliant(q, "redrive_policy has no static maxReceiveCount >= 1");
        return compliant(
          q,
          `DLQ ${redrive.deadLetterTarget?.address ?? redrive.deadLetterTargetArn} after ${redrive.maxReceiveCount} receives`,
        );
      }),
  },
  {
    id: "SQS.VisibilityTimeoutCoversConsumer",
    level: "error",
    title: "A queue's visibility timeout is at least 6x the timeout of the Lambda consuming it",
    explanation:
      "Lambda's SQS poller keeps messages in flight while retrying throttled invocations; with a shorter visibility timeout a message becomes visible again while still being processed and is handled twice. AWS recommends at least six times the function timeout. Raise visibility_timeout_seconds (default 30) or lower the function timeout (default 3).",
    check: (stack) =>
      stack.resources(QUEUE).map((q) => {
        const consumers = lambdaConsumers(stack, q);
        if (consumers.length === 0)
          return notApplicable(q, "no Lambda event source mapping reads this queue");
        const visibility = q.body["visibility_timeout_seconds"];
        const seconds = visibility === undefined ? DEFAULT_VISIBILITY_TIMEOUT : numberOf(visibility);
        if (seconds === undefined) return nonCompliant(q, "visibility_timeout_seconds is not static");
        const problems: string[] = [];
        for (const { mapping, fn } of consumers) {
          if (!fn) {
            problems.push(`${mapping.address}'s function does not resolve to an aws_lambda_function`);
            continue;
          }
          const raw = fn.body["timeout"];
          const timeout = raw === undefined ? DEFAULT_LAMBDA_TIMEOUT : numberOf(raw);
          if (timeout === undefined) problems.push(`${fn.address}'s timeout is not static`);
          else if (seconds < 6 * timeout)
            problems.push(`${seconds}s < 6 x ${timeout}s (${fn.address}); needs >= ${6 * timeout}s`);
        }
        return verdict(
          q,
          problems.length === 0,
          `visibility timeout ${seconds}s covers ${consumers.map((c) => c.fn?.address).join(", ")}`,
          `visibility timeout too short: ${problems.join("; ")}`,
        );
      }),
  },
  {
    id: "SNS.KmsEncrypted",
    level: "error",
    title: "Topics are encrypted with KMS",
    explanation:
      "Set kms_master_key_id on the topic, with a key whose policy admits the publishing services (e.g. S3 event notifications need kms:GenerateDataKey* and kms:Decrypt for s3.amazonaws.com).",
    mirrors: "CKV_AWS_26",
    seeAlso: ["AwsSolutions-SNS2"],
    check: (stack) =>
      stack.resources("aws_sns_topic").map((t) => {
        const key = t.body["kms_master_key_id"];
        return verdict(
          t,
          typeof key === "string" && key !== "",
          `encrypted with ${stack.target(key)?.address ?? String(key)}`,
          "has no kms_master_key_id",
        );
      }),
  },
];
