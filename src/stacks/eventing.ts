import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { Construct } from "constructs";
import type { AwsContext } from "../../modules/aws-context/index.js";
import { type ConsumerQueue, EventFanout } from "../../modules/event-fanout/index.js";
import type { EnvironmentConfig } from "../config/types.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import type { CompatSettings } from "./local-compat.js";
import type { LakeZones } from "./zones.js";

/** The drop-to-raw converter's Lambda timeout; its queue's visibility timeout is 6x this. */
export const CONVERTER_TIMEOUT_SECONDS = 300;
/** The crawler consumes its queue in S3 event mode; a run takes minutes. */
export const CRAWLER_QUEUE_TIMEOUT_SECONDS = 300;
/**
 * Keys the lake writes for itself start with `_` (Firehose's `_firehose-errors/`), and pipeline names never do
 * (src/pipelines/validate.ts). The catalog queues take every other key: one filter value for any number of
 * pipelines, where a list of pipeline prefixes hit SNS's cap of 150 combinations at 37 pipelines (19 in local,
 * which listed each prefix twice).
 */
export const RESERVED_KEY_PREFIX = "_";

export interface LakeEventing {
  readonly fanouts: Readonly<Record<"drop" | "raw" | "curated", EventFanout>>;
  /** The drop zone's queue for the drop-to-raw converter: every object, so unknown prefixes are quarantined. */
  readonly converter: ConsumerQueue;
  /** One queue per zone for the crawler chain: every key but the reserved `_` ones, whatever the pipelines. */
  readonly catalog: Readonly<Record<"drop" | "raw" | "curated", ConsumerQueue>>;
}

export function buildEventing(
  scope: Construct,
  props: {
    context: AwsContext;
    env: EnvironmentConfig;
    compat: CompatSettings;
    zones: LakeZones;
    alerts: SnsTopic;
  },
): LakeEventing {
  const { context, env, zones, alerts } = props;
  const fanout = (name: "drop" | "raw" | "curated") =>
    new EventFanout(scope, `events-${name}`, {
      context,
      zone: zones[name],
      alerts,
      redriveAllowPolicy: props.compat.sqsRedriveAllowPolicy,
      topicName: physicalName(env.prefix, [name, "events"], NAME_LIMITS.snsTopic),
    });
  const fanouts = { drop: fanout("drop"), raw: fanout("raw"), curated: fanout("curated") };
  const queueName = (...parts: string[]) => physicalName(env.prefix, parts, NAME_LIMITS.sqsQueue - 4);

  const converter = fanouts.drop.addConsumer("drop-to-raw", {
    queueName: queueName("drop-to-raw"),
    consumerTimeoutSeconds: CONVERTER_TIMEOUT_SECONDS,
    maxReceiveCount: 5,
  });
  const catalogQueue = (name: "drop" | "raw" | "curated") =>
    fanouts[name].addConsumer("catalog", {
      queueName: queueName("catalog", name),
      consumerTimeoutSeconds: CRAWLER_QUEUE_TIMEOUT_SECONDS,
      excludeKeyPrefix: RESERVED_KEY_PREFIX,
    });
  return {
    fanouts,
    converter,
    catalog: { drop: catalogQueue("drop"), raw: catalogQueue("raw"), curated: catalogQueue("curated") },
  };
}
