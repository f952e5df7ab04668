import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsContext } from "../../modules/aws-context/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import type { EnvironmentConfig, LakeConfig } from "../config/types.js";
import { compatFor } from "../local/compat.js";
import { bucketName, NAME_LIMITS, physicalName } from "../naming.js";
import type { PipelineDeclaration } from "../pipelines/types.js";
import { addAwsProvider, addBackend } from "./aws-provider.js";

export interface LakeStackProps {
  readonly lake: LakeConfig;
  readonly env: EnvironmentConfig;
  readonly pipelines: readonly PipelineDeclaration[];
}

/** One environment's lake. Composition only: every resource comes from a construct in modules/. */
export class LakeStack extends TerraformStack {
  readonly context: AwsContext;
  readonly zones: Readonly<Record<"logs" | "drop", ZoneBucket>>;

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id);
    const { lake, env } = props;
    const compat = compatFor(env);
    addAwsProvider(this, env);
    addBackend(this, lake, env);
    this.context = new AwsContext(this, "context");

    const forceDestroy = {
      enabled: compat.forceDestroyBuckets,
      acknowledgeDataLoss: compat.forceDestroyBuckets,
    };
    const logs = new ZoneBucket(this, "zone-logs", {
      context: this.context,
      zone: "logs",
      bucketName: bucketName(env.prefix, "access-logs", env.accountId),
      // S3 server access logging cannot deliver to an SSE-KMS bucket.
      encryption: "s3-managed",
      expireAfterDays: 90,
      denyInsecureTransport: compat.denyInsecureTransport,
      forceDestroy,
    });
    logs.addToBucketPolicy({
      sid: "AllowS3ServerAccessLogs",
      principals: [{ type: "Service", identifiers: [this.context.servicePrincipal("logging.s3")] }],
      actions: ["s3:PutObject"],
      resources: [logs.objectsArn()],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [this.context.accountId] }],
    });
    const drop = new ZoneBucket(this, "zone-drop", {
      context: this.context,
      zone: "drop",
      bucketName: bucketName(env.prefix, "drop", env.accountId),
      accessLogs: { target: logs },
      expireAfterDays: 30,
      denyInsecureTransport: compat.denyInsecureTransport,
      forceDestroy,
    });
    this.zones = { logs, drop };

    const dropTopic = new SnsTopic(this, "drop-events", {
      name: physicalName(env.prefix, ["drop", "events"], NAME_LIMITS.snsTopic),
      kmsMasterKeyId: drop.key?.arn,
    });

    new TerraformOutput(this, "drop_bucket_name", { value: drop.bucket.bucket });
    new TerraformOutput(this, "drop_topic_arn", { value: dropTopic.arn });
    new TerraformOutput(this, "access_logs_bucket_name", { value: logs.bucket.bucket });
  }
}
