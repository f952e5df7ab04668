import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext, logGroupKey } from "../aws-context/index.js";
import { ledgerTablesKey } from "./index.js";

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, { sid?: string }[]>>>;
};

describe("ledgerTablesKey", () => {
  it("is <id>-policy, <id> and <id>-alias: a rotating key for this account's DynamoDB tables", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const context = new AwsContext(stack, "context");
    ledgerTablesKey(stack, "tables-key", { context, description: "d", aliasName: "alias/lake-tables" });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.resource["aws_kms_key"]).toEqual({
      "tables-key": {
        description: "d",
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        policy: "${data.aws_iam_policy_document.tables-key-policy.json}",
      },
    });
    expect(json.resource["aws_kms_alias"]).toEqual({
      "tables-key-alias": { name: "alias/lake-tables", target_key_id: "${aws_kms_key.tables-key.key_id}" },
    });
    expect(
      json.data["aws_iam_policy_document"]?.["tables-key-policy"]?.["statement"]?.map((s) => s.sid),
    ).toEqual(["KeyAdministrationByAccount", "DynamoDbTablesOfThisAccount"]);
  });
});

describe("logGroupKey", () => {
  it("adds <id>-alias only when given an alias name", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const context = new AwsContext(stack, "context");
    logGroupKey(stack, "logs-key", {
      context,
      logGroupArns: ["arn:x"],
      description: "d",
      aliasName: "alias/l",
    });
    logGroupKey(stack, "other-key", { context, logGroupArns: ["arn:y"], description: "d" });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.resource["aws_kms_alias"]).toEqual({
      "logs-key-alias": { name: "alias/l", target_key_id: "${aws_kms_key.logs-key.key_id}" },
    });
  });
});
