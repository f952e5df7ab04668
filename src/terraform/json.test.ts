import { describe, expect, it } from "vitest";
import { compliantJson, index, ref, stackOf } from "../policy/fixtures/index.js";
import { interpolations, referencesIn } from "./json.js";

describe("references", () => {
  it("finds resource and data references inside interpolations, nested braces included", () => {
    const text =
      'arn:${data.aws_partition.p.partition}:s3:::${aws_s3_bucket.zone-logs_bucket_2CED669B.bucket}/${jsonencode({"a" = aws_sqs_queue.dlq.arn})}';

    expect(interpolations(text)).toEqual([
      "data.aws_partition.p.partition",
      "aws_s3_bucket.zone-logs_bucket_2CED669B.bucket",
      'jsonencode({"a" = aws_sqs_queue.dlq.arn})',
    ]);
    expect(referencesIn(text)).toEqual([
      { address: "data.aws_partition.p", attribute: "partition" },
      { address: "aws_s3_bucket.zone-logs_bucket_2CED669B", attribute: "bucket" },
      { address: "aws_sqs_queue.dlq", attribute: "arn" },
    ]);
  });

  it("ignores literal text and non-resource expressions", () => {
    expect(referencesIn("aws_s3_bucket.b.arn")).toEqual([]);
    expect(referencesIn("${var.name}-${local.suffix}")).toEqual([]);
  });

  it("resolves a value that is exactly one reference, and nothing else", () => {
    const stack = index(compliantJson());

    expect(stack.target(ref("aws_kms_key.zone.arn"))?.address).toBe("aws_kms_key.zone");
    expect(stack.target(`${ref("aws_kms_key.zone.arn")}/*`)).toBeUndefined();
    expect(stack.target(ref("aws_kms_key.missing.arn"))).toBeUndefined();
    expect(stack.target("aws_kms_key.zone.arn")).toBeUndefined();
  });

  it("finds the encryption configuration whose bucket references a bucket", () => {
    const stack = index(compliantJson());
    const bucket = stack.get("aws_s3_bucket.zone");
    if (!bucket) throw new Error("fixture bucket missing");

    const configs = stack.attached(bucket, "aws_s3_bucket_server_side_encryption_configuration", "bucket");
    const referrers = stack.referrers(bucket, "aws_glue_catalog_table");

    expect(configs.map((c) => c.address)).toEqual([
      "aws_s3_bucket_server_side_encryption_configuration.zone",
    ]);
    expect(referrers.map((r) => r.address)).toEqual(["aws_glue_catalog_table.orders"]);
    expect(stack.referrers(bucket, "aws_s3_bucket_policy", "policy")).toEqual([]);
  });

  it("narrows referrers to a dotted attribute path, list indices left out", () => {
    const stack = index(compliantJson());
    const dlq = stack.get("aws_sqs_queue.dlq");
    if (!dlq) throw new Error("fixture queue missing");

    const onFailure = stack.referrers(
      dlq,
      "aws_lambda_function_event_invoke_config",
      "destination_config.on_failure",
    );

    expect(onFailure.map((r) => r.address)).toEqual(["aws_lambda_function_event_invoke_config.notify"]);
    expect(
      stack.referrers(dlq, "aws_lambda_function_event_invoke_config", "destination_config.on_success"),
    ).toEqual([]);
    expect(stack.referrers(dlq, "aws_lambda_function_event_invoke_config", "destination")).toEqual([]);
  });

  it("matches a bucket named literally instead of by reference", () => {
    const stack = stackOf({
      aws_s3_bucket: { b: { bucket: "lake-raw" } },
      aws_s3_bucket_versioning: { v: { bucket: "lake-raw" }, other: { bucket: "elsewhere" } },
    });
    const bucket = stack.get("aws_s3_bucket.b");
    if (!bucket) throw new Error("fixture bucket missing");

    expect(stack.attached(bucket, "aws_s3_bucket_versioning", "bucket").map((v) => v.address)).toEqual([
      "aws_s3_bucket_versioning.v",
    ]);
  });

  it("substitutes literal names into strings and gives up on anything unknown", () => {
    const stack = index(compliantJson());

    expect(stack.literal("/aws/lambda/${aws_lambda_function.ingest.function_name}")).toBe(
      "/aws/lambda/lake-ingest",
    );
    expect(stack.literal("s3://${aws_s3_bucket.zone.id}/x")).toBe("s3://lake-raw/x");
    expect(stack.literal("${aws_kms_key.zone.arn}")).toBeUndefined();
    expect(stack.literal("arn:${data.aws_partition.p.partition}:s3:::x")).toBeUndefined();
  });
});

describe("policy documents", () => {
  it("reads an aws_iam_policy_document data source, defaults and conditions included", () => {
    const stack = index(compliantJson());

    const doc = stack.policy(ref("data.aws_iam_policy_document.zone-bucket.json"));

    expect(doc?.documents).toEqual(["data.aws_iam_policy_document.zone-bucket"]);
    expect(doc?.statements).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        notActions: [],
        resources: [ref("aws_s3_bucket.zone.arn"), `${ref("aws_s3_bucket.zone.arn")}/*`],
        notResources: [],
        principals: [{ type: "*", identifiers: ["*"] }],
        notPrincipals: [],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    expect(stack.policy(ref("data.aws_iam_policy_document.lambda-trust.json"))?.statements[0]?.effect).toBe(
      "Allow",
    );
  });

  it("merges source_policy_documents and survives a cycle", () => {
    const stack = stackOf(
      {},
      {
        aws_iam_policy_document: {
          base: { statement: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }] },
          full: {
            source_policy_documents: [ref("data.aws_iam_policy_document.base.json")],
            statement: [{ actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] }],
          },
          loop: { source_policy_documents: [ref("data.aws_iam_policy_document.loop.json")] },
        },
      },
    );

    const doc = stack.policy(ref("data.aws_iam_policy_document.full.json"));

    expect(doc?.statements.map((s) => s.actions)).toEqual([["s3:GetObject"], ["s3:PutObject"]]);
    expect(doc?.documents).toEqual([
      "data.aws_iam_policy_document.full",
      "data.aws_iam_policy_document.base",
    ]);
    expect(stack.policy(ref("data.aws_iam_policy_document.loop.json"))).toBeUndefined();
  });

  it("reads literal JSON policies, principal and condition maps included", () => {
    const stack = stackOf({});
    const json = JSON.stringify({
      Version: "2012-10-17",
      Statement: {
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: ref("aws_sqs_queue.q.arn"),
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    });

    expect(stack.policy(json)?.statements).toEqual([
      {
        sid: undefined,
        effect: "Deny",
        actions: ["sqs:*"],
        notActions: [],
        resources: [ref("aws_sqs_queue.q.arn")],
        notResources: [],
        principals: [{ type: "*", identifiers: ["*"] }],
        notPrincipals: [],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("cannot read jsonencode of an HCL expression", () => {
    expect(stackOf({}).policy('${jsonencode({"Statement" = []})}')).toBeUndefined();
  });

  it("lists every attached policy with its kind", () => {
    const uses = index(compliantJson()).policyUses();

    expect(uses.map((u) => [u.block.address, u.attribute, u.kind, u.document !== undefined])).toEqual([
      ["aws_iam_role_policy.ingest", "policy", "identity", true],
      ["aws_iam_role.ci", "assume_role_policy", "trust", true],
      ["aws_iam_role.producer", "assume_role_policy", "trust", true],
      ["aws_iam_role.ingest", "assume_role_policy", "trust", true],
      ["aws_kms_key.zone", "policy", "key", true],
      ["aws_s3_bucket_policy.zone", "policy", "resource", true],
    ]);
  });
});

describe("lifecycle rules", () => {
  it("normalizes filters, transitions and abort days", () => {
    const stack = index(compliantJson());
    const bucket = stack.get("aws_s3_bucket.zone");
    if (!bucket) throw new Error("fixture bucket missing");

    expect(stack.lifecycleRules(bucket)).toEqual([
      {
        id: "abort-incomplete-uploads",
        enabled: true,
        appliesToAll: true,
        transitions: [],
        abortIncompleteUploadDays: 7,
        source: "aws_s3_bucket_lifecycle_configuration.zone",
      },
      {
        id: "intelligent-tiering",
        enabled: true,
        appliesToAll: true,
        transitions: [{ storageClass: "INTELLIGENT_TIERING", days: 30 }],
        abortIncompleteUploadDays: undefined,
        source: "aws_s3_bucket_lifecycle_configuration.zone",
      },
    ]);
  });
});

describe("redrive policies", () => {
  const queues = (redrive: string) => ({
    aws_sqs_queue: { dlq: { name: "dlq" }, q: { name: "q", redrive_policy: redrive } },
  });

  it("reads the JSON string cdktf writes for JSON.stringify", () => {
    const stack = stackOf(
      queues(JSON.stringify({ deadLetterTargetArn: ref("aws_sqs_queue.dlq.arn"), maxReceiveCount: 5 })),
    );
    const q = stack.get("aws_sqs_queue.q");
    if (!q) throw new Error("fixture queue missing");

    expect(stack.redrive(q)).toMatchObject({
      source: "aws_sqs_queue.q",
      deadLetterTarget: { address: "aws_sqs_queue.dlq" },
      maxReceiveCount: 5,
    });
  });

  it("reads the jsonencode expression cdktf writes for Fn.jsonencode", () => {
    const stack = stackOf(
      queues('${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.dlq.arn, "maxReceiveCount" = 3})}'),
    );
    const q = stack.get("aws_sqs_queue.q");
    if (!q) throw new Error("fixture queue missing");

    expect(stack.redrive(q)).toMatchObject({
      deadLetterTarget: { address: "aws_sqs_queue.dlq" },
      maxReceiveCount: 3,
    });
  });

  it("reads a separate aws_sqs_queue_redrive_policy", () => {
    const stack = stackOf({
      aws_sqs_queue: { dlq: { name: "dlq" }, q: { name: "q" } },
      aws_sqs_queue_redrive_policy: {
        q: {
          queue_url: ref("aws_sqs_queue.q.id"),
          redrive_policy: JSON.stringify({
            deadLetterTargetArn: ref("aws_sqs_queue.dlq.arn"),
            maxReceiveCount: 4,
          }),
        },
      },
    });
    const q = stack.get("aws_sqs_queue.q");
    if (!q) throw new Error("fixture queue missing");

    expect(stack.redrive(q)).toMatchObject({ source: "aws_sqs_queue_redrive_policy.q", maxReceiveCount: 4 });
    expect(
      stack.redrive(stack.get("aws_sqs_queue.dlq") as NonNullable<ReturnType<typeof stack.get>>),
    ).toBeUndefined();
  });
});
