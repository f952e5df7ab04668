import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { presignPushUpload, pushKey, pushProducerStatements } from "./push.js";

const BUCKET_ARN = "arn:aws:s3:::event-lake-test-drop-123456789012";

describe("pushProducerStatements", () => {
  it("allows PutObject only under the producer's own prefix", () => {
    // act
    const statements = pushProducerStatements({ bucketArn: BUCKET_ARN, pipeline: "clickstream" });

    // assess
    expect(statements).toEqual([
      {
        sid: "PushWriteclickstream",
        effect: "Allow",
        actions: ["s3:AbortMultipartUpload", "s3:PutObject"],
        resources: [`${BUCKET_ARN}/clickstream/*`],
      },
    ]);
  });

  it("adds key use through S3 only when the bucket is SSE-KMS", () => {
    // act
    const statements = pushProducerStatements({
      bucketArn: BUCKET_ARN,
      pipeline: "click_stream",
      kms: {
        keyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
        region: "eu-west-1",
        dnsSuffix: "amazonaws.com",
      },
    });

    // assess
    expect(statements[1]).toEqual({
      sid: "PushKeyclickstream",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["arn:aws:kms:eu-west-1:123456789012:key/k"],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] },
      ],
    });
  });

  it("refuses a name that would widen the prefix", () => {
    // act / assess
    expect(() => pushProducerStatements({ bucketArn: BUCKET_ARN, pipeline: "*" })).toThrow(
      'pushProducerStatements: "*" is not a pipeline name (lower-case snake_case)',
    );
  });
});

describe("presignPushUpload", () => {
  const s3 = new S3Client({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  });
  const clock = () => new Date("2026-11-22T04:00:00Z");

  it("signs a PUT of one file under the pipeline's prefix for 15 minutes by default", async () => {
    // act
    const signed = await presignPushUpload(s3, {
      bucket: "drop",
      pipeline: "clickstream",
      fileName: "a.ndjson",
      clock,
    });
    const url = new URL(signed.url);

    // assess
    expect(signed.key).toBe("clickstream/ingest_date=2026-11-22/a.ndjson");
    expect(signed.expiresAt).toBe("2026-11-22T04:15:00.000Z");
    expect(url.hostname).toBe("drop.s3.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/clickstream/ingest_date%3D2026-11-22/a.ndjson");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20261122T040000Z");
  });

  it("names each bad option", async () => {
    // act / assess
    expect(() => pushKey("clickstream", "../etc/passwd", clock())).toThrow(
      'pushKey: fileName "../etc/passwd" must be one path segment of letters, digits, ".", "_" or "-"',
    );
    await expect(
      presignPushUpload(s3, {
        bucket: "drop",
        pipeline: "clickstream",
        fileName: "a",
        clock,
        expiresInSeconds: 7200,
      }),
    ).rejects.toThrow("presignPushUpload: expiresInSeconds must be 1-3600, got 7200");
  });
});
