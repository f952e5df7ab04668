import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type AwsContext, type Grantee, keyAdminStatement } from "../aws-context/index.js";
import { ZONE_BUCKET_DEFAULTS, type ZoneBucketProps } from "./zone-bucket-props.js";

const KEY_DECRYPT = ["kms:Decrypt", "kms:DescribeKey"];
const KEY_ENCRYPT = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

/**
 * One zone of the lake (drop, raw, curated, quarantine, …): a bucket with every secure default applied after
 * the caller's props, so none can be switched off by accident. Access is granted with `grantRead`/`grantWrite`,
 * which add to both the grantee's policy and this zone's key policy.
 */
export class ZoneBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Undefined only for `encryption: "s3-managed"`. */
  readonly key?: KmsKey;
  readonly zone: string;
  /** The bucket policy (TLS-only plus whatever `addToBucketPolicy` adds). */
  readonly policy: S3BucketPolicy;
  private readonly context: AwsContext;
  private readonly keyPolicy?: DataAwsIamPolicyDocument;
  private readonly keyStatements: DataAwsIamPolicyDocumentStatement[] = [];
  /** Key-use statements by actions and service: the roles each admits, and its principals' ARNs. */
  private readonly keyUseGroups = new Map<string, { roles: Set<object>; identifiers: string[] }>();
  private readonly bucketPolicy: DataAwsIamPolicyDocument;
  private readonly bucketStatements: DataAwsIamPolicyDocumentStatement[] = [];

  constructor(scope: Construct, id: string, props: ZoneBucketProps) {
    super(scope, id);
    validate(props);
    const encryption = props.encryption ?? ZONE_BUCKET_DEFAULTS.encryption;
    this.zone = props.zone;
    this.context = props.context;
    const aws = props.context;

    // Build.
    if (encryption === "kms") {
      this.keyStatements.push(keyAdminStatement(aws));
      this.keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", { statement: this.keyStatements });
      this.key =
        props.existingKey ??
        new KmsKey(this, "key", {
          description: `event-lake ${props.zone} zone (${props.bucketName})`,
          enableKeyRotation: true,
          deletionWindowInDays: props.keyDeletionWindowDays ?? ZONE_BUCKET_DEFAULTS.keyDeletionWindowDays,
          policy: this.keyPolicy.json,
        });
      if (!props.existingKey)
        new KmsAlias(this, "key-alias", { name: `alias/${props.bucketName}`, targetKeyId: this.key.keyId });
    }

    const force = props.forceDestroy?.enabled === true && props.forceDestroy.acknowledgeDataLoss === true;
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: force });
    const bucketId = this.bucket.id;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: bucketId,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucketId,
      rule: [
        this.key
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    if (props.accessLogs)
      new S3BucketLoggingA(this, "access-logs", {
        bucket: bucketId,
        targetBucket: props.accessLogs.target.bucket.id,
        targetPrefix: props.accessLogs.prefix ?? `${props.bucketName}/`,
        // S3 checks that the target's policy admits the log-delivery service before it accepts the setting.
        dependsOn: [props.accessLogs.target.policy],
      });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucketId,
      rule: lifecycleRules(props),
    });

    // Wire: the bucket policy; TLS-only unless the local-compatibility layer says moto cannot evaluate it.
    if (props.denyInsecureTransport ?? ZONE_BUCKET_DEFAULTS.denyInsecureTransport)
      this.bucketStatements.push({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        // A deny must cover every action: a named list would leave the rest open over plain HTTP.
        actions: ["s3:*"],
        resources: [this.bucket.arn, `${this.bucket.arn}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    this.bucketPolicy = new DataAwsIamPolicyDocument(this, "bucket-policy-document", {
      statement: this.bucketStatements,
    });
    this.policy = new S3BucketPolicy(this, "bucket-policy", {
      bucket: bucketId,
      policy: this.bucketPolicy.json,
      // S3 rejects a policy with no statement: only create it once something (TLS, a grant) is in it.
      count: Lazy.numberValue({ produce: () => (this.bucketStatements.length > 0 ? 1 : 0) }),
    });
  }

  /** ARN of the objects under `prefix` (e.g. `orders/`), or of every object. */
  objectsArn(prefix = ""): string {
    return `${this.bucket.arn}/${prefix}*`;
  }

  /** Read objects under `prefix`. */
  grantRead(grantee: Grantee, prefix = ""): void {
    grantee.addStatements(
      { actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: [this.objectsArn(prefix)] },
      listStatement(this, prefix),
      ...this.keyUse(grantee, KEY_DECRYPT),
    );
  }

  /**
   * Write (not delete) objects under `prefix`, or under each of several prefixes in one statement: a grant per prefix
   * adds two statements to the grantee's policy (about 280 characters), a prefix in the list only its ARN, and IAM
   * caps a role's inline policies at 10,240 characters in all.
   */
  grantWrite(grantee: Grantee, prefix: string | readonly string[] = ""): void {
    const prefixes = typeof prefix === "string" ? [prefix] : prefix;
    if (prefixes.length === 0)
      throw new Error(`ZoneBucket ${this.zone}.grantWrite: an empty list of prefixes grants nothing`);
    grantee.addStatements(
      {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: prefixes.map((p) => this.objectsArn(p)),
      },
      ...this.keyUse(grantee, KEY_ENCRYPT),
    );
  }

  /**
   * List and delete objects under `prefix` (a delete marker in a versioned zone: older versions stay until the
   * lifecycle expires them). Deleting needs no key.
   */
  grantDelete(grantee: Grantee, prefix = ""): void {
    grantee.addStatements(
      { actions: ["s3:DeleteObject"], resources: [this.objectsArn(prefix)] },
      listStatement(this, prefix),
    );
  }

  /** List the versions of objects under `prefix` (ids and dates, not content). */
  grantListVersions(grantee: Grantee, prefix = ""): void {
    grantee.addStatements({
      actions: ["s3:ListBucketVersions"],
      resources: [this.bucket.arn],
      condition: prefix ? [{ test: "StringLike", variable: "s3:prefix", values: [`${prefix}*`] }] : undefined,
    });
  }

  /**
   * Let an AWS service use this zone's key, e.g. S3 publishing to a topic encrypted with it. Scoped to this account
   * and, where given, to the one resource that acts.
   */
  allowServiceToUseKey(service: string, actions: readonly string[], sourceArn?: string): void {
    if (!this.key || !this.keyPolicy)
      throw new Error(`ZoneBucket ${this.zone}: an s3-managed bucket has no key`);
    this.keyStatements.push({
      sid: sid("Service", service),
      principals: [{ type: "Service", identifiers: [this.context.servicePrincipal(service)] }],
      actions: [...actions],
      resources: ["*"],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [this.context.accountId] },
        ...(sourceArn ? [{ test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn] }] : []),
      ],
    });
    this.keyPolicy.putStatement(this.keyStatements);
  }

  /**
   * Make this the target of other buckets' server access logs: S3's log delivery, from this account only, may write.
   * Only an `s3-managed` bucket can be a target (log delivery cannot use SSE-KMS).
   */
  acceptServerAccessLogs(): void {
    if (this.key)
      throw new Error(`ZoneBucket ${this.zone}: an access-log target must use encryption "s3-managed"`);
    this.addToBucketPolicy({
      sid: "AllowS3ServerAccessLogs",
      principals: [{ type: "Service", identifiers: [this.context.servicePrincipal("logging.s3")] }],
      actions: ["s3:PutObject"],
      resources: [this.objectsArn()],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [this.context.accountId] }],
    });
  }

  /** Add a statement to the bucket policy, e.g. to admit a log-delivery service. */
  addToBucketPolicy(statement: DataAwsIamPolicyDocumentStatement): void {
    this.bucketStatements.push(statement);
    this.bucketPolicy.putStatement(this.bucketStatements);
  }

  /**
   * Let a role use this zone's key through one service only (`s3` for objects, `sqs` for the zone's queues): a
   * statement in the role's policy and one in the key policy, conditioned on kms:ViaService.
   */
  grantKeyUse(grantee: Grantee, actions: readonly string[], viaService: string): void {
    grantee.addStatements(...this.keyUse(grantee, actions, viaService));
  }

  /**
   * Let a role this stack does not manage (a service's own role, such as QuickSight's `aws-quicksight-service-role-v0`)
   * use this zone's key through one service: only the key-policy statement, conditioned on kms:ViaService. The role's
   * own permissions are its owner's to grant.
   */
  admitRoleToKey(role: DataAwsIamRole, actions: readonly string[], viaService: string): void {
    this.keyStatementFor(role, actions, viaService);
  }

  private keyUse(
    grantee: Grantee,
    actions: readonly string[],
    viaService = "s3",
  ): DataAwsIamPolicyDocumentStatement[] {
    if (!this.key || !this.keyPolicy) return [];
    this.keyStatementFor(grantee.role, actions, viaService);
    return [{ actions: [...actions], resources: [this.key.arn] }];
  }

  private keyStatementFor(
    principal: { readonly arn: string },
    actions: readonly string[],
    viaService: string,
  ): void {
    if (!this.key || !this.keyPolicy)
      throw new Error(`ZoneBucket ${this.zone}: an s3-managed bucket has no key`);
    // One statement per (actions, service), its principals growing: a statement per grant made the key policy grow
    // by about 400 characters with each role and pipeline, and KMS caps a key policy at 32 KB.
    const group = `${actions.join(",")} via ${viaService}`;
    const existing = this.keyUseGroups.get(group);
    if (existing) {
      // Each role once: an ARN is a new token at every read, so roles are told apart by object.
      if (!existing.roles.has(principal)) {
        existing.roles.add(principal);
        existing.identifiers.push(principal.arn);
        this.keyPolicy.putStatement(this.keyStatements);
      }
      return;
    }
    const identifiers = [principal.arn];
    this.keyUseGroups.set(group, { roles: new Set([principal]), identifiers });
    this.keyStatements.push({
      sid: sid(`Use${this.keyStatements.length}`, this.zone),
      principals: [{ type: "AWS", identifiers }],
      actions: [...actions],
      resources: ["*"],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`${viaService}.${this.context.region}.${this.context.dnsSuffix}`],
        },
      ],
    });
    this.keyPolicy.putStatement(this.keyStatements);
  }
}

function listStatement(zone: ZoneBucket, prefix: string): DataAwsIamPolicyDocumentStatement {
  return {
    actions: ["s3:ListBucket"],
    resources: [zone.bucket.arn],
    condition: prefix ? [{ test: "StringLike", variable: "s3:prefix", values: [`${prefix}*`] }] : undefined,
  };
}

function lifecycleRules(props: ZoneBucketProps): S3BucketLifecycleConfigurationRule[] {
  const everything = [{ prefix: "" }];
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: everything,
      abortIncompleteMultipartUpload: [
        {
          daysAfterInitiation:
            props.abortIncompleteUploadsAfterDays ?? ZONE_BUCKET_DEFAULTS.abortIncompleteUploadsAfterDays,
        },
      ],
    },
    {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: everything,
      noncurrentVersionExpiration: [
        {
          noncurrentDays:
            props.noncurrentVersionExpiryDays ?? ZONE_BUCKET_DEFAULTS.noncurrentVersionExpiryDays,
        },
      ],
    },
  ];
  if (props.expireAfterDays !== undefined)
    rules.push({
      id: "expire-current-objects",
      status: "Enabled",
      filter: everything,
      expiration: [{ days: props.expireAfterDays }],
    });
  for (const { prefix, days } of props.prefixExpirations ?? [])
    rules.push({
      id: `expire-${prefix.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+$/, "")}`,
      status: "Enabled",
      filter: [{ prefix }],
      expiration: [{ days }],
    });
  if (props.intelligentTieringAfterDays !== undefined)
    rules.push({
      id: "intelligent-tiering",
      status: "Enabled",
      filter: everything,
      transition: [{ days: props.intelligentTieringAfterDays, storageClass: "INTELLIGENT_TIERING" }],
    });
  return rules;
}

function validate(props: ZoneBucketProps): void {
  const problems: string[] = [];
  const positive = (name: keyof ZoneBucketProps, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      problems.push(`${name} must be a whole number of days >= 1, got ${value}`);
  };
  positive("expireAfterDays", props.expireAfterDays);
  positive("noncurrentVersionExpiryDays", props.noncurrentVersionExpiryDays);
  positive("abortIncompleteUploadsAfterDays", props.abortIncompleteUploadsAfterDays);
  positive("intelligentTieringAfterDays", props.intelligentTieringAfterDays);
  for (const { prefix, days } of props.prefixExpirations ?? []) {
    positive("prefixExpirations", days);
    if (prefix.length === 0) problems.push("prefixExpirations: a prefix must not be empty");
  }
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (props.forceDestroy?.enabled && !props.forceDestroy.acknowledgeDataLoss)
    problems.push("forceDestroy.enabled needs forceDestroy.acknowledgeDataLoss: true as well");
  if (props.encryption === "s3-managed" && props.existingKey)
    problems.push("existingKey cannot be combined with encryption: s3-managed");
  if (props.bucketName.length > 63 || !/^[a-z0-9][a-z0-9.-]+[a-z0-9]$/.test(props.bucketName))
    problems.push(`bucketName "${props.bucketName}" is not a valid S3 bucket name`);
  if (problems.length > 0) throw new Error(`ZoneBucket ${props.zone}: ${problems.join("; ")}`);
}

function sid(kind: string, name: string): string {
  return `${kind}${name.replace(/[^A-Za-z0-9]/g, "")}`;
}
