import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";

/** Reading (and clearing) moto's S3 for the local runner, its stand-ins and the fault checks. */

/** Every key under `prefix`, page by page, sorted. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ""));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

/** One object's bytes. */
export async function download(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await Body?.transformToByteArray()) ?? []);
}

/**
 * Deletes every object under `prefix` (a delete marker each, in a versioned zone), 1,000 keys a request; returns how
 * many. Fails naming the first keys S3 would not delete.
 */
export async function deleteUnder(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const keys = await listKeys(s3, bucket, prefix);
  for (let at = 0; at < keys.length; at += 1000) {
    const { Errors } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(at, at + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if ((Errors ?? []).length > 0)
      throw new Error(
        `could not delete ${Errors?.length} object(s) under s3://${bucket}/${prefix}: ${(Errors ?? [])
          .slice(0, 3)
          .map((e) => `${e.Key}: ${e.Code}`)
          .join(", ")}`,
      );
  }
  return keys.length;
}
