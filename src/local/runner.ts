import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { type Invocation, invokeBundled, type LocalAws } from "./invoke.js";
import type { LocalWiring, QueueMapping, Schedule } from "./wiring.js";

/** What one delivery of a batch came to. */
export interface BatchReport {
  readonly functionName: string;
  readonly queue: string;
  readonly received: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The message bodies delivered, in order. */
  readonly bodies: readonly string[];
  readonly invocation: Invocation;
}

export interface RunnerOptions {
  /**
   * Lambda leaves a failed message invisible until its visibility timeout ends (30 minutes for the converter). With
   * `fastForward` the runner ends that wait at once instead of sleeping through it; receive counts, maxReceiveCount
   * and the DLQ behave exactly as they would. @default true
   */
  readonly fastForward?: boolean;
  /** Stop after this many empty polls of every queue in a row. @default 1 */
  readonly idleRounds?: number;
  /** Stop after this many batches in all. @default 1000 */
  readonly maxBatches?: number;
  readonly onBatch?: (report: BatchReport) => void;
}

/**
 * Plays Lambda's part for SQS event source mappings: polls each mapped queue with the mapping's batch size, invokes
 * the bundled handler with the event Lambda would deliver, deletes what succeeded, and returns what failed to the
 * queue (whole batch on an error, the listed items on a partial batch response). moto cannot do this itself without
 * Docker; the mappings are created disabled in local, so this runner is the only consumer.
 */
export class LocalRunner {
  private readonly sqs: SQSClient;

  constructor(
    private readonly wiring: LocalWiring,
    private readonly aws: LocalAws,
    private readonly options: RunnerOptions = {},
  ) {
    this.sqs = new SQSClient({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  }

  /** Polls every mapped queue until all are empty (`idleRounds` times in a row). */
  async drain(): Promise<BatchReport[]> {
    const reports: BatchReport[] = [];
    let idle = 0;
    while (idle < (this.options.idleRounds ?? 1) && reports.length < (this.options.maxBatches ?? 1000)) {
      let delivered = 0;
      for (const mapping of this.wiring.mappings) {
        const report = await this.deliverOnce(mapping);
        if (!report) continue;
        delivered++;
        reports.push(report);
        this.options.onBatch?.(report);
      }
      idle = delivered === 0 ? idle + 1 : 0;
    }
    return reports;
  }

  /** One poll of one queue and, if anything came, one invocation. */
  async deliverOnce(mapping: QueueMapping): Promise<BatchReport | undefined> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: mapping.queue.url,
        MaxNumberOfMessages: Math.min(mapping.batchSize, 10),
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = Messages ?? [];
    if (messages.length === 0) return undefined;
    const fn = this.wiring.functions[mapping.functionName];
    if (!fn) throw new Error(`no function ${mapping.functionName} in the wiring`);
    const invocation = await invokeBundled(fn, sqsEvent(messages, mapping, this.aws.region), this.aws);
    const failedIds = failedMessageIds(invocation, messages, mapping);
    const done = messages.filter((m) => !failedIds.has(m.MessageId ?? ""));
    const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ""));
    if (done.length > 0)
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: mapping.queue.url,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    if (failed.length > 0 && (this.options.fastForward ?? true))
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: mapping.queue.url,
          Entries: failed.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    return {
      functionName: mapping.functionName,
      queue: mapping.queue.name,
      received: messages.length,
      succeeded: done.length,
      failed: failed.length,
      bodies: messages.map((m) => m.Body ?? ""),
      invocation,
    };
  }

  /** Fires a schedule now, as EventBridge Scheduler would: an asynchronous invoke with the schedule's input. */
  async fire(
    schedule: Schedule,
    at: Date = new Date(),
    standIn: Readonly<Record<string, string>> = {},
  ): Promise<Invocation> {
    const fn = this.wiring.functions[schedule.functionName];
    if (!fn) throw new Error(`no function ${schedule.functionName} in the wiring`);
    const input = schedule.input.replace(
      "<aws.scheduler.scheduled-time>",
      at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    );
    return invokeBundled(fn, JSON.parse(input), this.aws, standIn);
  }
}

/** The event Lambda delivers for a batch of SQS messages. */
export function sqsEvent(messages: readonly Message[], mapping: QueueMapping, region: string): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        attributes: {
          ApproximateReceiveCount: m.Attributes?.["ApproximateReceiveCount"] ?? "1",
          SentTimestamp: m.Attributes?.["SentTimestamp"] ?? String(Date.now()),
          SenderId: m.Attributes?.["SenderId"] ?? "AIDAIENQZJOLO23YVJ4VO",
          ApproximateFirstReceiveTimestamp:
            m.Attributes?.["ApproximateFirstReceiveTimestamp"] ?? String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? "",
        eventSource: "aws:sqs",
        eventSourceARN: mapping.queue.arn,
        awsRegion: region,
      }),
    ),
  };
}

/** Lambda's rules: an error fails the whole batch; with ReportBatchItemFailures, the listed ids fail. */
export function failedMessageIds(
  invocation: Invocation,
  messages: readonly Message[],
  mapping: QueueMapping,
): Set<string> {
  const all = new Set(messages.map((m) => m.MessageId ?? ""));
  if (invocation.error) return all;
  if (!mapping.reportBatchItemFailures) return new Set();
  const result = invocation.result as
    | { batchItemFailures?: { itemIdentifier?: string }[] }
    | null
    | undefined;
  const items = result?.batchItemFailures ?? [];
  // An identifier that is not in the batch (or empty) makes Lambda treat the whole batch as failed.
  if (items.some((i) => !i.itemIdentifier || !all.has(i.itemIdentifier))) return all;
  return new Set(items.map((i) => i.itemIdentifier ?? ""));
}
