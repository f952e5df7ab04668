import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

export interface EventFanoutProps {
  readonly context: AwsContext;
  /** The zone whose object-created events fan out. Its key encrypts the topic and the queues. */
  readonly zone: ZoneBucket;
  /** Physical topic name. */
  readonly topicName: string;
  /** Where the queues' alarms publish. */
  readonly alerts: SnsTopic;
  /**
   * Restrict redrive from each DLQ to its own queue. Only the local-compatibility layer turns this off (moto never
   * stores the attribute, so the provider waits for it forever).
   * @default true
   */
  readonly redriveAllowPolicy?: boolean;
}

export interface ConsumerProps {
  /** Physical queue name; the DLQ is `<name>-dlq`. */
  readonly queueName: string;
  /** The consumer's own timeout (e.g. its Lambda timeout), in seconds. */
  readonly consumerTimeoutSeconds: number;
  /**
   * How long a received message stays invisible. Must be at least 6x the consumer's timeout, as AWS advises for
   * Lambda consumers, or the construct throws. @default 6 x consumerTimeoutSeconds
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * Only objects whose keys start with one of these prefixes (e.g. `orders/`). The filter policy grows with the list,
   * and SNS caps a policy at 150 combinations (values x nesting depth 4 of `Records.s3.object.key`): more than 37
   * prefixes is refused at synth time. A list that grows with the datasets belongs in the consumer, or use
   * `excludeKeyPrefix`. @default every object
   */
  readonly keyPrefixes?: readonly string[];
  /**
   * Every object except those whose keys start with this prefix (e.g. `_`, a folder the lake reserves). One value
   * whatever the number of datasets. Only characters event keys never encode (letters, digits, `_`, `.`, `~`, `-`),
   * so the filter means the same against moto, which encodes `/` too. Not with
   * `keyPrefixes`. @default nothing excluded
   */
  readonly excludeKeyPrefix?: string;
  /** How long the queue keeps a message. @default 345600 (4 days) */
  readonly retentionSeconds?: number;
  /** How long the DLQ keeps a message: time to look and redrive. @default 1209600 (14 days, the maximum) */
  readonly dlqRetentionSeconds?: number;
  /** Alarm when the oldest message is older than this. @default 900 */
  readonly maxMessageAgeSeconds?: number;
}

/** SNS's limit on a filter policy: the product of each key's value count and nesting depth. */
export const SNS_FILTER_POLICY_LIMITS = {
  maxCombinations: 150,
  /** `Records.s3.object.key`: the key filter's nesting depth in an S3 event. */
  keyDepth: 4,
} as const;

export const CONSUMER_DEFAULTS = {
  visibilityToTimeoutRatio: 6,
  maxReceiveCount: 5,
  retentionSeconds: 345_600,
  dlqRetentionSeconds: 1_209_600,
  maxMessageAgeSeconds: 900,
} as const;
