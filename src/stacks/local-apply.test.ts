import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto, stopMoto } from "../local/moto.js";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { motoClientConfig } from "../testing/moto.js";
import { synthApp } from "../testing/synth.js";

// The local stack applied for real to a fresh moto on a free port, with its own temporary state.
const stateDir = mkdtempSync(join(tmpdir(), "event-lake-local-"));
let moto: MotoServer;
let outputs: Record<string, { value: string }>;

beforeAll(async () => {
  moto = await startMoto({ dir: stateDir });
  const { outdir } = await synthApp({
    environments: ["local"],
    env: { EVENT_LAKE_LOCAL_ENDPOINT: moto.endpoint, EVENT_LAKE_LOCAL_STATE_DIR: stateDir },
  });
  const rc = join(stateDir, "terraform.rc");
  writeFileSync(rc, renderCliConfig(chooseMirror(process.env)));
  const options = { cwd: join(outdir, "stacks", "local"), env: terraformEnv(rc), timeoutMs: 600_000 };
  await runTerraform(["init", "-input=false", "-no-color"], options);
  await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], options);
  const { stdout } = await runTerraform(["output", "-json"], options);
  outputs = JSON.parse(stdout);
}, 900_000);

// Local is torn down by stopping moto and deleting its state: some moto deletes hang.
afterAll(async () => {
  if (moto) await stopMoto(stateDir);
});

describe("the local stack applied to moto", () => {
  const s3 = () => new S3Client(motoClientConfig(moto.endpoint));

  it("creates the drop bucket versioned, SSE-KMS with a bucket key, and closed to the public", async () => {
    const bucket = outputs["drop_bucket_name"]?.value;
    expect(bucket).toBe("event-lake-local-drop-123456789012");

    const versioning = await s3().send(new GetBucketVersioningCommand({ Bucket: bucket }));
    const encryption = await s3().send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const block = await s3().send(new GetPublicAccessBlockCommand({ Bucket: bucket }));

    expect(versioning.Status).toBe("Enabled");
    const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("aws:kms");
    expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toMatch(
      /^arn:aws:kms:us-east-1:123456789012:key\//,
    );
    expect(rule?.BucketKeyEnabled).toBe(true);
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it("creates the zone key with rotation on", async () => {
    const encryption = await s3().send(
      new GetBucketEncryptionCommand({ Bucket: outputs["drop_bucket_name"]?.value }),
    );
    const keyArn =
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.KMSMasterKeyID;

    const rotation = await new KMSClient(motoClientConfig(moto.endpoint)).send(
      new GetKeyRotationStatusCommand({ KeyId: keyArn }),
    );

    expect(rotation.KeyRotationEnabled).toBe(true);
  });

  it("creates the drop zone's topic, encrypted with the zone key", async () => {
    const arn = outputs["drop_topic_arn"]?.value;
    expect(arn).toBe("arn:aws:sns:us-east-1:123456789012:event-lake-local-drop-events");

    const { Attributes } = await new SNSClient(motoClientConfig(moto.endpoint)).send(
      new GetTopicAttributesCommand({ TopicArn: arn }),
    );

    expect(Attributes?.["KmsMasterKeyId"]).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  });
});
