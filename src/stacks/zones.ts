import type { Construct } from "constructs";
import type { AwsContext } from "../../modules/aws-context/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import type { EnvironmentConfig } from "../config/types.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { bucketName } from "../naming.js";
import type { CompatSettings } from "./local-compat.js";

/** The lake's storage: three data zones, quarantine, Athena results and the access-log bucket. */
export interface LakeZones {
  readonly logs: ZoneBucket;
  readonly drop: ZoneBucket;
  readonly raw: ZoneBucket;
  readonly curated: ZoneBucket;
  readonly quarantine: ZoneBucket;
  readonly athenaResults: ZoneBucket;
}

/** Construct ids here are Terraform addresses: renaming one replaces a bucket. */
export const ZONE_IDS = {
  logs: "zone-logs",
  drop: "zone-drop",
  raw: "zone-raw",
  curated: "zone-curated",
  quarantine: "zone-quarantine",
  athenaResults: "zone-athena-results",
} as const;

const DEFAULT_DROP_RETENTION_DAYS = 30;

export function buildZones(
  scope: Construct,
  props: {
    context: AwsContext;
    env: EnvironmentConfig;
    compat: CompatSettings;
    pipelines: readonly PipelineDeclaration[];
  },
): LakeZones {
  const { context, env, compat, pipelines } = props;
  const common = {
    context,
    denyInsecureTransport: compat.denyInsecureTransport,
    forceDestroy: { enabled: compat.forceDestroyBuckets, acknowledgeDataLoss: compat.forceDestroyBuckets },
  };
  const logs = new ZoneBucket(scope, ZONE_IDS.logs, {
    ...common,
    zone: "logs",
    bucketName: bucketName(env.prefix, "access-logs", env.accountId),
    // S3 server access logging cannot deliver to an SSE-KMS bucket.
    encryption: "s3-managed",
    expireAfterDays: 90,
  });
  logs.acceptServerAccessLogs();
  const zone = (id: string, name: string, extra: Partial<ConstructorParameters<typeof ZoneBucket>[2]> = {}) =>
    new ZoneBucket(scope, id, {
      ...common,
      zone: name,
      bucketName: bucketName(env.prefix, name, env.accountId),
      accessLogs: { target: logs, prefix: `${name}/` },
      ...extra,
    });

  // Drop files are inputs, kept only until converted and replayable: each pipeline keeps its own retention.
  const drop = zone(ZONE_IDS.drop, "drop", {
    expireAfterDays: Math.max(DEFAULT_DROP_RETENTION_DAYS, ...pipelines.map((p) => p.dropRetentionDays ?? 0)),
    prefixExpirations: pipelines
      .filter((p) => (p.dropRetentionDays ?? DEFAULT_DROP_RETENTION_DAYS) < DEFAULT_DROP_RETENTION_DAYS)
      .map((p) => ({ prefix: `${p.name}/`, days: p.dropRetentionDays ?? DEFAULT_DROP_RETENTION_DAYS })),
  });
  // Athena reads raw and curated: Intelligent-Tiering at most, never Glacier.
  const raw = zone(ZONE_IDS.raw, "raw", { intelligentTieringAfterDays: 30 });
  const curated = zone(ZONE_IDS.curated, "curated", { intelligentTieringAfterDays: 30 });
  const quarantine = zone(ZONE_IDS.quarantine, "quarantine", { expireAfterDays: 90 });
  const athenaResults = zone(ZONE_IDS.athenaResults, "athena-results", { expireAfterDays: 7 });
  return { logs, drop, raw, curated, quarantine, athenaResults };
}
