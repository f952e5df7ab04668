import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { TerraformStack, Testing } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { startMoto, stopMoto } from "../local/moto.js";
import { runTerraform, terraformEnv, writeCliConfig } from "../terraform/run.js";
import { motoClientConfig } from "../testing/moto.js";
import { addBackend } from "./aws-provider.js";

/**
 * The test environment's backend as addBackend writes it (lake-stack.test.ts pins it in the synthesized stack), run by
 * the real Terraform against moto: state and lock are written SSE-KMS with the
 * state key named through its alias, the lock is gone after the apply, and a plan with -lock=false (CI's) needs no
 * lock write at all. The stack has no resource, so no provider is needed; only the backend is exercised.
 * moto's account is 123456789012, so the state account is overridden to it (the key's alias ARN names the account).
 */
const region = "eu-west-1";
const bucket = "event-lake-tfstate-123456789012";
const dir = mkdtempSync(join(tmpdir(), "state-backend-"));
let s3: S3Client;
let keyArn: string;
let cwd: string;
let env: NodeJS.ProcessEnv;
const terraform = (...args: string[]) => runTerraform(args, { cwd, env, timeoutMs: 120_000 });
const keys = async () =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

beforeAll(async () => {
  const moto = await startMoto({ dir: join(dir, "moto") });
  s3 = new S3Client(motoClientConfig(moto.endpoint, region));
  const kms = new KMSClient(motoClientConfig(moto.endpoint, region));
  await s3.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
  );
  keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? "";
  await kms.send(new CreateAliasCommand({ AliasName: `alias/${bucket}`, TargetKeyId: keyArn }));

  const lake = loadConfig({
    env: { EVENT_LAKE_STATE_ACCOUNT_ID: "123456789012", EVENT_LAKE_STATE_BUCKET: bucket },
  });
  const stack = new TerraformStack(Testing.app(), "test");
  addBackend(stack, lake, lake.environments.test);
  const synthesized = JSON.parse(Testing.synth(stack)).terraform.backend as { s3: Record<string, unknown> };
  const { profile, assume_role, ...backend } = synthesized.s3;
  expect([profile, (assume_role as { role_arn: string }).role_arn]).toEqual([
    "test-datawarehouse",
    "arn:aws:iam::123456789012:role/event-lake-tfstate-test",
  ]);
  cwd = join(dir, "stack");
  const tf = {
    terraform: {
      backend: {
        s3: {
          ...backend,
          // moto in place of AWS; the synthesized settings above are kept as they are.
          endpoints: { s3: moto.endpoint },
          use_path_style: true,
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
        },
      },
    },
    output: { applied: { value: "yes" } },
  };
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, "main.tf.json"), JSON.stringify(tf, null, 2));
  env = terraformEnv(writeCliConfig(join(dir, "terraform.rc")).path, {
    ...process.env,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_PROFILE: "",
  });
  await terraform("init", "-input=false");
}, 120_000);

afterAll(async () => {
  await stopMoto(join(dir, "moto"));
  rmSync(dir, { recursive: true, force: true });
});

describe("the S3 backend as synthesized, run by Terraform against moto", () => {
  it("writes the state SSE-KMS with the state key, through its alias, and releases the lock", async () => {
    await terraform("apply", "-input=false", "-auto-approve", "-lock-timeout=10s");

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "event-lake/test/terraform.tfstate" }),
    );
    // moto keeps the key id as the request named it (S3 itself answers with the key's ARN): the alias, not SSE-S3.
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual([
      "aws:kms",
      `arn:aws:kms:${region}:123456789012:alias/${bucket}`,
    ]);
    expect(keyArn).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    expect(await keys()).toEqual(["event-lake/test/terraform.tfstate"]);
  });

  it("plans with -lock=false without writing a lock file; a locking plan needs one", async () => {
    // moto enforces a bucket policy's unconditioned Deny: no lock file can be written any more.
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:PutObject",
              Resource: `arn:aws:s3:::${bucket}/event-lake/test/terraform.tfstate.tflock`,
            },
          ],
        }),
      }),
    );

    const { stdout } = await terraform("plan", "-input=false", "-lock=false", "-no-color");
    expect(stdout).toContain("No changes.");
    await expect(terraform("plan", "-input=false", "-no-color")).rejects.toThrow(
      "Error acquiring the state lock",
    );
  });
});
