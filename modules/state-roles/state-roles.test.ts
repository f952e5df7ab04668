import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { stateRolesExample } from "./example.js";
import { denyPutsWithoutKey, StateRoles, type StateRolesProps } from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;
type Json = { resource: Block; data: Block };
type Statement = { sid?: string; actions: string[]; condition?: { values: string[] }[] };

const synth = (build: (stack: TerraformStack) => void): Json => {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Json;
};

function parts(stack: TerraformStack, encryption?: "s3-managed") {
  const context = new AwsContext(stack, "context");
  const bucket = new ZoneBucket(stack, "state", {
    context,
    bucketName: "tfstate",
    zone: "tfstate",
    ...(encryption ? { encryption } : {}),
  });
  return { context, bucket };
}

const props = (stack: TerraformStack, encryption?: "s3-managed"): StateRolesProps => ({
  ...parts(stack, encryption),
  environment: "test",
  keyPrefix: "lake/test/",
  readWrite: { roleName: "tfstate-test", trustedArns: ["arn:aws:iam::111122223333:role/deployer"] },
});

const bucketStatements = (json: Json) =>
  json.data["aws_iam_policy_document"]?.["state_bucket-policy-document_B43D64C6"]?.[
    "statement"
  ] as Statement[];

describe("StateRoles", () => {
  it("keeps <id>/role, <id>/plan-role and their trust and policies: the bootstrap stack's state role addresses", () => {
    const json = synth(stateRolesExample);

    expect(Object.keys(json.resource["aws_iam_role"] ?? {}).sort()).toEqual([
      "state-test_plan-role_1153646F",
      "state-test_role_5D8EC936",
    ]);
    expect(Object.keys(json.resource["aws_iam_role_policy"] ?? {}).sort()).toEqual([
      "state-test_plan-role-policy_8B667C53",
      "state-test_role-policy_02938DD1",
    ]);
    expect(json.resource["aws_iam_role"]?.["state-test_role_5D8EC936"]).toMatchObject({
      name: "event-lake-tfstate-test",
      max_session_duration: 3600,
    });
  });

  it("builds no read-only role by default, and names the roles in the bucket policy in context's account", () => {
    const json = synth((stack) => new StateRoles(stack, "state-test", props(stack)));

    expect(Object.keys(json.resource["aws_iam_role"] ?? {})).toEqual(["state-test_role_5D8EC936"]);
    expect(
      bucketStatements(json).find((s) => s.sid === "DenyTestStateToOthers")?.condition?.[0]?.values,
    ).toEqual([
      "arn:${data.aws_partition.context_partition_B73F2326.partition}:iam::${data.aws_caller_identity.context_identity_F28A218A.account_id}:role/tfstate-test",
    ]);
  });

  it("refuses puts without the bucket's key once per bucket, before the environments' denies", () => {
    const json = synth(stateRolesExample);

    expect(
      bucketStatements(json)
        .map((s) => s.sid)
        .filter((sid) => sid?.startsWith("Deny")),
    ).toEqual([
      "DenyInsecureTransport",
      "DenyPutsWithoutKms",
      "DenyPutsWithAnotherKey",
      "DenyTestStateToOthers",
    ]);
  });

  it("refuses a role nobody may assume, and a bucket without its own key", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const base = props(stack);
    expect(
      () =>
        new StateRoles(stack, "state-test", {
          ...base,
          readOnly: { roleName: "tfstate-plan", trustedArns: [] },
        }),
    ).toThrow(
      "StateRoles state-test: state role tfstate-plan would be trusted by no one (trustedArns is empty)",
    );

    const other = new TerraformStack(Testing.app(), "other");
    const s3Managed = props(other, "s3-managed");
    expect(() => new StateRoles(other, "state-test", s3Managed)).toThrow(
      "StateRoles state-test: the state bucket must be SSE-KMS: its roles are granted its key",
    );
    expect(() => denyPutsWithoutKey(s3Managed.bucket, "alias")).toThrow(
      "denyPutsWithoutKey: the bucket must be SSE-KMS with its own key",
    );
  });
});
