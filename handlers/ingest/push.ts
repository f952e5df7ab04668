import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PIPELINE_NAME } from "../../src/core/naming.js";

/**
 * An IAM statement in the shape `DataAwsIamPolicyDocument` takes (`statement: [...]`), kept free of cdktf types so
 * that handler code never imports the provider.
 */
export interface PolicyStatement {
  readonly sid: string;
  readonly effect: "Allow";
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

export interface PushPolicyOptions {
  /** ARN of the drop bucket (a token from `zone.bucket.arn` is fine). */
  readonly bucketArn: string;
  readonly pipeline: string;
  /** The drop bucket's KMS key, when it is SSE-KMS: writers need to generate data keys with it. */
  readonly kms?: { readonly keyArn: string; readonly region: string; readonly dnsSuffix: string };
}

/**
 * What a push producer may do: write objects under its own pipeline's prefix and nothing else (no read, no list, no
 * delete, no other prefix). `s3:PutObject` also covers the multipart calls Create/UploadPart/Complete;
 * `s3:AbortMultipartUpload` lets an SDK clean up a failed upload. With SSE-KMS, multipart uploads also need
 * `kms:Decrypt` (S3 decrypts the data key to join the parts), only through S3.
 */
export function pushProducerStatements(options: PushPolicyOptions): PolicyStatement[] {
  if (!PIPELINE_NAME.test(options.pipeline))
    throw new Error(
      `pushProducerStatements: "${options.pipeline}" is not a pipeline name (lower-case snake_case)`,
    );
  const id = options.pipeline.replace(/[^a-z0-9]/g, "");
  const statements: PolicyStatement[] = [
    {
      sid: `PushWrite${id}`,
      effect: "Allow",
      actions: ["s3:AbortMultipartUpload", "s3:PutObject"],
      resources: [`${options.bucketArn}/${options.pipeline}/*`],
    },
  ];
  if (options.kms)
    statements.push({
      sid: `PushKey${id}`,
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [options.kms.keyArn],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`s3.${options.kms.region}.${options.kms.dnsSuffix}`],
        },
      ],
    });
  return statements;
}

/** A producer's file name: one path segment, no `..`, nothing S3 or Athena would trip over. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const PRESIGN_DEFAULTS = { expiresInSeconds: 900, maxExpiresInSeconds: 3600 } as const;

export interface PresignOptions {
  readonly bucket: string;
  readonly pipeline: string;
  readonly fileName: string;
  readonly clock: () => Date;
  /** @default 900 (15 minutes); at most 3600 */
  readonly expiresInSeconds?: number;
}

/** The drop key a pushed file gets: `<pipeline>/ingest_date=YYYY-MM-DD/<fileName>`, as for pulled files. */
export function pushKey(pipeline: string, fileName: string, at: Date): string {
  const problems: string[] = [];
  if (!PIPELINE_NAME.test(pipeline)) problems.push(`pipeline "${pipeline}" is not a pipeline name`);
  if (!FILE_NAME.test(fileName) || fileName.includes(".."))
    problems.push(`fileName "${fileName}" must be one path segment of letters, digits, ".", "_" or "-"`);
  if (problems.length > 0) throw new Error(`pushKey: ${problems.join("; ")}`);
  return `${pipeline}/ingest_date=${at.toISOString().slice(0, 10)}/${fileName}`;
}

/**
 * A presigned PUT URL for one file under the pipeline's prefix, for producers without AWS credentials of their own.
 * The signer's own credentials must allow the PutObject (`pushProducerStatements`), or the URL is refused.
 */
export async function presignPushUpload(
  s3: S3Client,
  options: PresignOptions,
): Promise<{ readonly url: string; readonly key: string; readonly expiresAt: string }> {
  const expiresIn = options.expiresInSeconds ?? PRESIGN_DEFAULTS.expiresInSeconds;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > PRESIGN_DEFAULTS.maxExpiresInSeconds)
    throw new Error(`presignPushUpload: expiresInSeconds must be 1-3600, got ${expiresIn}`);
  const now = options.clock();
  const key = pushKey(options.pipeline, options.fileName, now);
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: options.bucket, Key: key }), {
    expiresIn,
    signingDate: now,
  });
  return { url, key, expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString() };
}
