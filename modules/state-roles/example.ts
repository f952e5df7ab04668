import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { denyPutsWithoutKey, StateRoles } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function stateRolesExample(scope: Construct): StateRoles {
  const context = new AwsContext(scope, "context");
  const state = new ZoneBucket(scope, "state", {
    context,
    bucketName: "event-lake-tfstate",
    zone: "tfstate",
  });
  denyPutsWithoutKey(state, context.arn("kms", "alias/event-lake-tfstate"));
  return new StateRoles(scope, "state-test", {
    context,
    bucket: state,
    environment: "test",
    keyPrefix: "event-lake/test/",
    readWrite: {
      roleName: "event-lake-tfstate-test",
      trustedArns: ["arn:aws:iam::111122223333:role/deployer", "arn:aws:iam::111122223333:role/ci-apply"],
    },
    readOnly: {
      roleName: "event-lake-tfstate-test-plan",
      trustedArns: ["arn:aws:iam::111122223333:role/ci-plan"],
    },
  });
}
