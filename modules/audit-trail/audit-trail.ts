import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import { type Grantee, logGroupKey, serviceTrustStatement } from "../aws-context/index.js";
import { inlinePolicy } from "../crawler-chain/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { LOG_RETENTION_DAYS } from "../traced-function/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { type AuditTrailProps, AUDIT_TRAIL_DEFAULTS as DEFAULTS } from "./audit-trail-props.js";

/**
 * A CloudTrail trail for the account: every region, global service events, log file validation, into a bucket of
 * its own (a `ZoneBucket` "trail": KMS with its own rotating key, versioned, public access blocked, TLS-only,
 * expiring after `retentionDays`) whose policy admits CloudTrail for this one trail only (aws:SourceArn), and whose
 * key lets CloudTrail encrypt for this trail only. Management events always; S3 data events for the zone buckets
 * given. Security settings are applied after the caller's props, so none can be switched off.
 */
export class AuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: ZoneBucket;
  /** The CloudWatch Logs copy of the events, when `cloudWatchLogs` is set. */
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    // The trail's ARN is known before it exists, so the bucket and key policies need not wait for it.
    const trailArn = aws.arn("cloudtrail", `trail/${props.trailName}`);

    // Build: the bucket.
    this.bucket = new ZoneBucket(this, "zone-trail", {
      context: aws,
      zone: "trail",
      bucketName: props.bucketName,
      accessLogs: props.accessLogs ? { target: props.accessLogs, prefix: "trail/" } : undefined,
      expireAfterDays: props.retentionDays ?? DEFAULTS.retentionDays,
      denyInsecureTransport: props.denyInsecureTransport ?? DEFAULTS.denyInsecureTransport,
      forceDestroy: props.forceDestroy,
    });
    const bucket = this.bucket.bucket;
    const fromThisTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
    const cloudtrail = [{ type: "Service", identifiers: [aws.servicePrincipal("cloudtrail")] }];
    this.bucket.addToBucketPolicy({
      sid: "CloudTrailAclCheck",
      principals: cloudtrail,
      actions: ["s3:GetBucketAcl"],
      resources: [bucket.arn],
      condition: [fromThisTrail],
    });
    this.bucket.addToBucketPolicy({
      sid: "CloudTrailWrite",
      principals: cloudtrail,
      actions: ["s3:PutObject"],
      resources: [`${bucket.arn}/AWSLogs/${aws.accountId}/*`],
      condition: [
        fromThisTrail,
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      ],
    });
    this.bucket.allowServiceToUseKey("cloudtrail", ["kms:DescribeKey", "kms:GenerateDataKey*"], trailArn);
    const key = this.bucket.key;
    if (!key) throw new Error("AuditTrail: the trail bucket has no key");

    // Build: the trail. Management events: always, reads and writes. Data events: the buckets given, in the same
    // selector when they want both, in one of their own when narrower.
    const buckets = props.dataEventBuckets ?? [];
    const dataResource = [{ type: "AWS::S3::Object", values: buckets.map((b) => `${b.bucket.arn}/`) }];
    const readWrite = props.dataEventReadWriteType ?? DEFAULTS.dataEventReadWriteType;
    const management = { includeManagementEvents: true, readWriteType: "All" };
    const eventSelector =
      buckets.length === 0
        ? [management]
        : readWrite === "All"
          ? [{ ...management, dataResource }]
          : [management, { includeManagementEvents: false, readWriteType: readWrite, dataResource }];
    const logs = props.cloudWatchLogs ? this.buildLogs(props, trailArn) : undefined;
    this.trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: bucket.id,
      kmsKeyId: key.arn,
      ...(logs
        ? { cloudWatchLogsGroupArn: `${logs.group.arn}:*`, cloudWatchLogsRoleArn: logs.role.arn }
        : {}),
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: props.enableLogging ?? DEFAULTS.enableLogging,
      eventSelector,
      // CloudTrail checks the bucket policy (and the log role's policy) before it accepts the trail.
      dependsOn: [this.bucket.policy, ...(logs ? [logs.policy] : [])],
    });
    this.logGroup = logs?.group;
  }

  /** The log group, its key, and the role CloudTrail assumes (for this trail only) to write into it. */
  private buildLogs(props: AuditTrailProps, trailArn: string) {
    const aws = props.context;
    const name = `/aws/cloudtrail/${props.trailName}`;
    const logKey = logGroupKey(this, "log-key", {
      context: aws,
      logGroupArns: [aws.arn("logs", `log-group:${name}`)],
      description: `event-lake audit trail ${props.trailName} in CloudWatch Logs`,
    });
    const group = new CloudwatchLogGroup(this, "log-group", {
      name,
      retentionInDays: props.cloudWatchLogs?.retentionDays,
      kmsKeyId: logKey.arn,
    });
    const trust = new DataAwsIamPolicyDocument(this, "log-role-trust", {
      statement: [
        serviceTrustStatement(aws, ["cloudtrail"], { sourceAccount: false, sourceArns: [trailArn] }),
      ],
    });
    const role = new IamRole(this, "log-role", {
      name: `${props.trailName}-logs`.slice(0, 64),
      description: `CloudTrail ${props.trailName} writes its events to ${name}`,
      assumeRolePolicy: trust.json,
    });
    const policy = new RolePolicy(this, "log-role-policy", { role, policyName: "cloudtrail-logs" });
    policy.addStatements({
      sid: "WriteTrailEvents",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${group.arn}:log-stream:*`],
    });
    return { group, role, policy: inlinePolicy(policy) };
  }

  /** Read the trail's log files (with the key, through S3): auditors and the data steward. */
  grantRead(grantee: Grantee): void {
    this.bucket.grantRead(grantee, "AWSLogs/");
  }
}

function validate(props: AuditTrailProps): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(props.trailName))
    problems.push(`trailName "${props.trailName}" must be 3-128 letters, digits, ".", "_" or "-"`);
  const days = props.retentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 90))
    problems.push(`retentionDays must be a whole number >= 90 (audit logs), got ${days}`);
  const type = props.dataEventReadWriteType;
  if (type !== undefined && !["All", "ReadOnly", "WriteOnly"].includes(type))
    problems.push(`dataEventReadWriteType must be All, ReadOnly or WriteOnly, got ${type}`);
  const zones = (props.dataEventBuckets ?? []).map((b) => b.zone);
  if (new Set(zones).size !== zones.length) problems.push("dataEventBuckets lists a bucket twice");
  const logDays = props.cloudWatchLogs?.retentionDays;
  if (logDays !== undefined && !LOG_RETENTION_DAYS.includes(logDays as (typeof LOG_RETENTION_DAYS)[number]))
    problems.push(`cloudWatchLogs.retentionDays ${logDays} is not one of CloudWatch's retention values`);
  if (zones.length > 250) problems.push(`dataEventBuckets: at most 250 buckets, got ${zones.length}`);
  if (problems.length > 0) throw new Error(`AuditTrail ${props.trailName}: ${problems.join("; ")}`);
}
