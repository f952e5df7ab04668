import { GetRoleCommand, IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { lake, output } from "../testing/lake.js";
import { motoClientConfig } from "../testing/moto.js";

// The local stack, applied for real to moto by the lake project's global setup.
const s3 = () => new S3Client(motoClientConfig(lake().endpoint));
const ZONES = ["drop", "raw", "curated", "quarantine", "athena_results"] as const;

describe("the zones applied to moto", () => {
  it.each(ZONES)(
    "%s is versioned, SSE-KMS with its own rotating key and a bucket key, closed to the public",
    async (zone) => {
      const bucket = output(`${zone}_bucket_name`);
      expect(bucket).toBe(`event-lake-local-${zone.replace("_", "-")}-123456789012`);

      const versioning = await s3().send(new GetBucketVersioningCommand({ Bucket: bucket }));
      const encryption = await s3().send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      const block = await s3().send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
      const keyArn = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
      const rotation = await new KMSClient(motoClientConfig(lake().endpoint)).send(
        new GetKeyRotationStatusCommand({ KeyId: keyArn }),
      );

      expect(versioning.Status).toBe("Enabled");
      expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("aws:kms");
      expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
      expect(rule?.BucketKeyEnabled).toBe(true);
      expect(rotation.KeyRotationEnabled).toBe(true);
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
    },
  );

  it("gives every zone its own key", async () => {
    const keys = await Promise.all(
      ZONES.map(async (zone) => {
        const e = await s3().send(new GetBucketEncryptionCommand({ Bucket: output(`${zone}_bucket_name`) }));
        return e.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
          ?.KMSMasterKeyID;
      }),
    );
    expect(new Set(keys).size).toBe(ZONES.length);
  });

  it("expires drop files per pipeline and aborts incomplete uploads", async () => {
    const { Rules } = await s3().send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: output("drop_bucket_name") }),
    );
    const byId = Object.fromEntries((Rules ?? []).map((r) => [r.ID, r]));

    expect(byId["abort-incomplete-uploads"]?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(7);
    expect(byId["expire-current-objects"]?.Expiration?.Days).toBe(30);
    expect(byId["expire-clickstream"]?.Expiration?.Days).toBe(14);
    expect(byId["expire-clickstream"]?.Filter?.Prefix).toBe("clickstream/");
  });

  it.each(["drop", "raw", "curated"])("encrypts the %s zone's topic with a KMS key", async (zone) => {
    const arn = output(`${zone}_topic_arn`);
    expect(arn).toBe(`arn:aws:sns:us-east-1:123456789012:event-lake-local-${zone}-events`);

    const { Attributes } = await new SNSClient(motoClientConfig(lake().endpoint)).send(
      new GetTopicAttributesCommand({ TopicArn: arn }),
    );

    expect(Attributes?.["KmsMasterKeyId"]).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  it("gives the converter's queue a KMS key, a DLQ after 5 receives and 6x its consumer's timeout", async () => {
    const sqs = new SQSClient(motoClientConfig(lake().endpoint));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: output("drop_to_raw_queue_url"), AttributeNames: ["All"] }),
    );

    expect(Attributes?.["VisibilityTimeout"]).toBe("1800");
    expect(Attributes?.["KmsMasterKeyId"]).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(JSON.parse(Attributes?.["RedrivePolicy"] ?? "{}")).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:event-lake-local-drop-to-raw-dlq",
      maxReceiveCount: 5,
    });
  });
});

describe("the roles applied to moto", () => {
  it("gives every lake role the PowerUserAccess permissions boundary", async () => {
    const iam = new IAMClient(motoClientConfig(lake().endpoint));
    const names: string[] = [];
    for (let marker: string | undefined, page = 0; page < 20; page++) {
      const listed = await iam.send(new ListRolesCommand({ Marker: marker }));
      names.push(
        ...(listed.Roles ?? []).map((r) => r.RoleName ?? "").filter((n) => n.startsWith("event-lake-local-")),
      );
      marker = listed.Marker;
      if (!listed.IsTruncated) break;
    }
    // ListRoles never returns boundaries (in AWS as in moto): read each role.
    const boundaries = await Promise.all(
      names.map(async (RoleName) => {
        const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
        return `${RoleName} ${Role?.PermissionsBoundary?.PermissionsBoundaryArn ?? "none"}`;
      }),
    );

    expect(names.length).toBeGreaterThan(10);
    expect(boundaries.filter((b) => !b.endsWith(" arn:aws:iam::aws:policy/PowerUserAccess"))).toEqual([]);
  });
});
