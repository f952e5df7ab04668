import { describe, expect, it } from "vitest";
import { glob, PolicyEvaluator } from "./policy-evaluator.js";

const ACCOUNT = { partition: "aws", region: "eu-west-1", account: "111111111111" };

describe("the evaluator itself", () => {
  it("matches IAM wildcards: * any run, ? one character, actions case-insensitive", () => {
    expect(glob("s3:Get*", "s3:getobject", true)).toBe(true);
    expect(glob("arn:x:${a.b}/sandbox/*", "arn:x:${a.b}/sandbox/k", false)).toBe(true);
    expect(glob("arn:x:${a.b}/sandbox/*", "arn:x:${a.b}/sandboxed/k", false)).toBe(false);
    expect(glob("a?c", "abc", false)).toBe(true);
    expect(glob("a?c", "abbc", false)).toBe(false);
    expect(glob("Bucket", "bucket", false)).toBe(false);
  });

  it("lets an explicit Deny win over an Allow", () => {
    const statement = (effect: string) => ({ effect, actions: ["s3:GetObject"], resources: ["arn:b/*"] });
    const json = {
      resource: {
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
        aws_iam_role_policy: {
          p: { role: "${aws_iam_role.r.name}", policy: "${data.aws_iam_policy_document.d.json}" },
        },
      },
      data: { aws_iam_policy_document: { d: { statement: [statement("Allow"), statement("Deny")] } } },
    };
    const evaluator = new PolicyEvaluator(json, ACCOUNT);
    expect(evaluator.allows("r", { action: "s3:GetObject", resource: "arn:b/k" })).toBe(false);
  });
});
