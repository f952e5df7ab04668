import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "./aws-context.js";
import { serviceTrustStatement } from "./service-trust.js";

const context = new AwsContext(new TerraformStack(Testing.app(), "trust"), "context");
const principal = (s: string) => `${s}.${context.dnsSuffix}`;

describe("serviceTrustStatement", () => {
  it("defaults to this account's requests of the named services", () => {
    expect(serviceTrustStatement(context, ["redshift", "redshift-serverless"])).toEqual({
      actions: ["sts:AssumeRole"],
      principals: [
        { type: "Service", identifiers: [principal("redshift"), principal("redshift-serverless")] },
      ],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] }],
    });
  });

  it("adds aws:SourceArn after the account, ArnLike for a pattern", () => {
    expect(
      serviceTrustStatement(context, ["vpc-flow-logs"], { sourceArns: ["arn:x:vpc-flow-log/*"] }).condition,
    ).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:x:vpc-flow-log/*"] },
    ]);
  });

  it("StringEquals for an exact source ARN; no condition key at all when nothing narrows it", () => {
    expect(
      serviceTrustStatement(context, ["cloudtrail"], { sourceAccount: false, sourceArns: ["arn:x:trail/t"] })
        .condition,
    ).toEqual([{ test: "StringEquals", variable: "aws:SourceArn", values: ["arn:x:trail/t"] }]);
    expect(serviceTrustStatement(context, ["lambda"], { sourceAccount: false })).toEqual({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: [principal("lambda")] }],
    });
  });
});
