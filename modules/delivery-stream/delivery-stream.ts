import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import {
  type Grantee,
  keyAdminStatement,
  logsKeyStatement,
  serviceTrustStatement,
} from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { LOG_RETENTION_DAYS } from "../traced-function/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";
import {
  BUFFER_LIMITS,
  DELIVERY_STREAM_DEFAULTS as DEFAULTS,
  type DeliveryStreamProps,
} from "./delivery-stream-props.js";

/** What a producer may call on the stream. */
export const PUT_ACTIONS = ["firehose:PutRecord", "firehose:PutRecordBatch"] as const;

/**
 * A Firehose stream (Direct PUT) that lands one stream pipeline's records in the drop zone the way pushed files
 * land: gzip objects under `<pipeline>/ingest_date=YYYY-MM-DD/` (the UTC day Firehose received the records), which
 * the drop-to-raw converter and the drop crawler take like any other file of the pipeline. Failed deliveries go
 * under `_firehose-errors/<pipeline>/`, outside every pipeline's prefix. Every security setting is applied here,
 * not taken from props: the stream is encrypted with its own rotating key, delivery errors are logged to its own
 * encrypted log group with a retention, and the delivery role, trusted by Firehose of this account only, may write
 * only under those two prefixes (through the zone's key) and to its log stream. Producers get `grantPut`.
 */
export class DeliveryStream extends Construct {
  readonly stream: KinesisFirehoseDeliveryStream;
  /** Encrypts the records while Firehose buffers them, and the delivery-error logs. */
  readonly key: KmsKey;
  readonly role: IamRole;
  readonly policy: RolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly logStream: CloudwatchLogStream;
  readonly zone: ZoneBucket;
  /** `<dataset>/`: where delivered objects go, under `ingest_date=YYYY-MM-DD/`. */
  readonly prefix: string;
  /** `_firehose-errors/<dataset>/`: where records Firehose could not deliver as data go. */
  readonly errorPrefix: string;

  constructor(scope: Construct, id: string, props: DeliveryStreamProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    this.zone = props.zone;
    this.prefix = `${props.dataset}/`;
    this.errorPrefix = `${DEFAULTS.errorRoot}/${props.dataset}/`;
    const logGroupName = props.names.logGroup ?? `${DEFAULTS.logGroupPrefix}${props.names.stream}`;
    const logGroupArn = aws.arn("logs", `log-group:${logGroupName}`);

    // Build: the key, used by Firehose through the grant it creates itself, and by CloudWatch Logs for this group.
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        keyAdminStatement(aws),
        logsKeyStatement(aws, "CloudWatchLogsEncryptDeliveryErrors", [logGroupArn]),
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `event-lake Firehose stream ${props.names.stream}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.names.stream}`, targetKeyId: this.key.keyId });

    // Build: the delivery-error log group and the stream Firehose writes to (it does not create one itself).
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: this.key.arn,
    });
    this.logStream = new CloudwatchLogStream(this, "log-stream", {
      name: DEFAULTS.logStreamName,
      logGroupName: this.logGroup.name,
    });

    // Build: the delivery role, Firehose of this account only.
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [serviceTrustStatement(aws, ["firehose"])],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.role,
      description: `Firehose delivers ${props.names.stream} under ${this.prefix} in the ${props.zone.zone} zone`,
      assumeRolePolicy: trust.json,
    });
    this.policy = new RolePolicy(this, "policy", { role: this.role });

    // Build: the stream.
    this.stream = new KinesisFirehoseDeliveryStream(this, "stream", {
      name: props.names.stream,
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: this.key.arn },
      extendedS3Configuration: {
        roleArn: this.role.arn,
        bucketArn: props.zone.bucket.arn,
        // The converter takes the ingest date from this segment, as it does for a pushed file's key.
        prefix: `${this.prefix}ingest_date=!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: `${this.errorPrefix}!{firehose:error-output-type}/ingest_date=!{timestamp:yyyy-MM-dd}/`,
        customTimeZone: DEFAULTS.timeZone,
        bufferingInterval: props.buffer?.seconds ?? DEFAULTS.bufferSeconds,
        bufferingSize: props.buffer?.megabytes ?? DEFAULTS.bufferMegabytes,
        compressionFormat: DEFAULTS.compressionFormat,
        // `.gz` last: the converter reads a `.gz` key as gzip (and checks the magic bytes).
        fileExtension: `.${props.format.type}.gz`,
        // The zone's key, explicitly, so the objects do not depend on the bucket's default encryption.
        kmsKeyArn: props.zone.key?.arn,
        s3BackupMode: "Disabled",
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.name,
          logStreamName: this.logStream.name,
        },
      },
    });

    // Wire: write under the two prefixes only, through the zone's key, and log delivery errors.
    props.zone.grantWrite(this.policy, this.prefix);
    this.policy.addStatements(
      // The same object actions as grantWrite, for failed deliveries; the key statement above covers them.
      {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: [props.zone.objectsArn(this.errorPrefix)],
      },
      {
        actions: ["logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:log-stream:${this.logStream.name}`],
      },
    );
  }

  /**
   * Let a producer put records into this stream, and into no other. No key use: Firehose encrypts with the grant it
   * holds on the key, so a producer never calls KMS.
   */
  grantPut(grantee: Grantee): void {
    grantee.addStatements({ actions: [...PUT_ACTIONS], resources: [this.stream.arn] });
  }
}

function validate(props: DeliveryStreamProps): void {
  const problems: string[] = [];
  const { names, dataset, format } = props;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(names.stream))
    problems.push(`names.stream "${names.stream}" must be 1-64 letters, digits, "_", "." or "-"`);
  if (!/^[\w+=,.@-]{1,64}$/.test(names.role))
    problems.push(`names.role "${names.role}" must be 1-64 characters of an IAM role name`);
  if (names.logGroup !== undefined && !/^[A-Za-z0-9_.\-/#]{1,512}$/.test(names.logGroup))
    problems.push(`names.logGroup "${names.logGroup}" is not a CloudWatch Logs group name`);
  if (!/^[a-z][a-z0-9_]*$/.test(dataset))
    problems.push(`dataset "${dataset}" must be lower-case snake_case (it is the prefix)`);
  const range = (field: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      problems.push(`buffer.${field} must be a whole number from ${min} to ${max}, got ${value}`);
  };
  range("seconds", props.buffer?.seconds, BUFFER_LIMITS.seconds.min, BUFFER_LIMITS.seconds.max);
  range("megabytes", props.buffer?.megabytes, BUFFER_LIMITS.megabytes.min, BUFFER_LIMITS.megabytes.max);
  // Firehose concatenates records into one object: only a format without a file-level frame survives that.
  if (format.type === "json")
    problems.push('format.type "json" (one array per file) cannot be concatenated: use "ndjson"');
  if (format.type === "csv" && (format.header ?? true))
    problems.push("format.header must be false for csv: Firehose concatenates records, headers included");
  const days = props.logRetentionDays;
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(days))
    problems.push(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${days}`);
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (problems.length > 0) throw new Error(`DeliveryStream ${names.stream}: ${problems.join("; ")}`);
}
