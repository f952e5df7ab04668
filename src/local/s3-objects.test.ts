import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { deleteUnder } from "./s3-objects.js";

describe("deleteUnder", () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  const keys = Array.from(
    { length: 1001 },
    (_, i) => `orders/ingest_date=2026-11-21/f-${String(i).padStart(4, "0")}`,
  );

  it("deletes every key under the prefix, 1,000 a request, and says how many", async () => {
    // prepare
    s3.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key })) });
    s3.on(DeleteObjectsCommand).resolves({});

    // act
    const deleted = await deleteUnder(new S3Client({}), "curated", "orders/ingest_date=2026-11-21/");

    // assess
    expect(deleted).toBe(1001);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: "curated",
      Prefix: "orders/ingest_date=2026-11-21/",
      ContinuationToken: undefined,
    });
    const requests = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(requests.map((r) => [r.Bucket, r.Delete?.Quiet, r.Delete?.Objects?.length])).toEqual([
      ["curated", true, 1000],
      ["curated", true, 1],
    ]);
    expect(requests.flatMap((r) => r.Delete?.Objects?.map((o) => o.Key))).toEqual(keys);
  });

  it("fails naming the keys S3 would not delete", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "orders/ingest_date=2026-11-21/a" }] });
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: "orders/ingest_date=2026-11-21/a", Code: "AccessDenied" }],
    });
    await expect(deleteUnder(new S3Client({}), "curated", "orders/ingest_date=2026-11-21/")).rejects.toThrow(
      "could not delete 1 object(s) under s3://curated/orders/ingest_date=2026-11-21/: orders/ingest_date=2026-11-21/a: AccessDenied",
    );
  });
});
