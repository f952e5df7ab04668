import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { QUICKSIGHT_SERVICE_ROLE, quicksightServiceRole } from "./index.js";

describe("quicksightServiceRole", () => {
  it("reads QuickSight's own service role as <id> in the caller's scope, aws-quicksight-service-role-v0 by default", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    quicksightServiceRole(stack, "quicksight-service-role");
    quicksightServiceRole(stack, "renamed", "qs-service");
    const json = JSON.parse(Testing.synth(stack)) as { data: Record<string, Record<string, object>> };

    expect(QUICKSIGHT_SERVICE_ROLE).toBe("aws-quicksight-service-role-v0");
    expect(json.data["aws_iam_role"]).toEqual({
      "quicksight-service-role": { name: "aws-quicksight-service-role-v0" },
      renamed: { name: "qs-service" },
    });
  });
});
