import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "../aws-context/index.js";
import { producerRoleExample } from "./example.js";
import { ProducerRole } from "./index.js";

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
};

describe("ProducerRole", () => {
  it("keeps <id>-trust, <id> and <id>-policy in the caller's scope", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    producerRoleExample(stack);
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.resource["aws_iam_role"]?.["producer-orders"]).toMatchObject({
      name: "event-lake-test-push-orders",
      description: "Producers of orders upload under orders/ in the drop zone",
      assume_role_policy: "${data.aws_iam_policy_document.producer-orders-trust.json}",
    });
    expect(json.resource["aws_iam_role_policy"]?.["producer-orders-policy_5E690024"]).toMatchObject({
      role: "${aws_iam_role.producer-orders.name}",
    });
    const trust = json.data["aws_iam_policy_document"]?.["producer-orders-trust"]?.["statement"];
    expect(trust).toEqual([
      {
        sid: "AssumeFromTaggedPrincipals",
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "AWS",
            identifiers: [
              "arn:${data.aws_partition.context_partition_B73F2326.partition}:iam::${data.aws_caller_identity.context_identity_F28A218A.account_id}:root",
            ],
          },
        ],
        condition: [
          { test: "StringEquals", variable: "aws:PrincipalTag/event-lake-producer", values: ["orders"] },
        ],
      },
    ]);
  });

  it("is trusted by exactly the named principals when there are some", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const context = new AwsContext(stack, "context");
    new ProducerRole(stack, "producer-orders", {
      context,
      roleName: "r",
      description: "d",
      trust: { principalArns: ["arn:aws:iam::111122223333:role/shop"], tag: { key: "k", value: "v" } },
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.data["aws_iam_policy_document"]?.["producer-orders-trust"]?.["statement"]).toEqual([
      {
        sid: "AssumeFromNamedPrincipals",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:role/shop"] }],
      },
    ]);
  });
});
