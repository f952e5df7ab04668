import { beforeAll, describe, expect, it } from "vitest";
import { maskHashes, type StackJson, synthApp } from "../testing/synth.js";
import { ROLE_BOUNDARY_POLICY } from "./role-boundary.js";

let stacks: Record<string, StackJson>;

beforeAll(async () => {
  // Every feature on in test, so every role any setting can create is here.
  const features = ["NAT_GATEWAY", "LAMBDAS_IN_VPC", "QUICKSIGHT_ATHENA", "QUICKSIGHT_REDSHIFT", "SAGEMAKER"];
  ({ stacks } = await synthApp({
    env: Object.fromEntries(
      [...features, "LAKE_FORMATION"].map((f) => [`EVENT_LAKE_TEST_FEATURES_${f}`, "true"]),
    ),
  }));
}, 60_000);

const roles = (stack: string) => Object.entries(maskHashes(stacks[stack]?.resource["aws_iam_role"] ?? {}));

describe("the lake's permissions boundary", () => {
  it.each(["test", "sandbox", "local"])(
    "is on every role of the %s stack: AWS's PowerUserAccess",
    (stack) => {
      const boundaries = new Set(roles(stack).map(([, role]) => role["permissions_boundary"]));

      expect(roles(stack).length).toBeGreaterThan(10);
      expect([...boundaries]).toEqual([
        `arn:\${data.aws_partition.context_partition.partition}:iam::aws:policy/${ROLE_BOUNDARY_POLICY}`,
      ]);
    },
  );

  it("takes nothing away: no lake policy document allows an IAM action", () => {
    for (const stack of ["test", "sandbox", "local"]) {
      const iam = Object.entries(stacks[stack]?.data?.["aws_iam_policy_document"] ?? {}).flatMap(
        ([id, doc]) =>
          ((doc["statement"] ?? []) as { effect?: string; actions?: string[] }[])
            .filter((s) => s.effect !== "Deny")
            .flatMap((s) =>
              (s.actions ?? []).filter((a) => /^iam:/i.test(a)).map((a) => `${stack} ${id} ${a}`),
            ),
      );

      expect(iam).toEqual([]);
    }
  });

  it("is not put on the bootstrap stack's CI roles, which manage IAM", () => {
    const bootstrapRoles = roles("bootstrap");

    expect(bootstrapRoles.length).toBeGreaterThan(0);
    expect(bootstrapRoles.filter(([, role]) => role["permissions_boundary"] !== undefined)).toEqual([]);
  });
});
