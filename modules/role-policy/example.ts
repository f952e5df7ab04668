import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { RolePolicy } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function rolePolicyExample(scope: Construct): RolePolicy {
  const context = new AwsContext(scope, "context");
  const drop = new ZoneBucket(scope, "zone-drop", {
    context,
    zone: "drop",
    bucketName: "event-lake-test-drop-111111111111",
  });
  const role = new IamRole(scope, "converter", { name: "event-lake-test-converter", assumeRolePolicy: "{}" });
  const policy = new RolePolicy(scope, "converter-policy", { role });
  drop.grantRead(policy, "orders/"); // s3:GetObject on .../orders/*, s3:ListBucket for orders/*, kms:Decrypt
  return policy;
}
