import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { RolePolicy } from "../role-policy/index.js";
import { LEDGER_TABLE_DEFAULTS, LedgerTable, type LedgerTableProps } from "./index.js";

function synth(props: Partial<LedgerTableProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new LedgerTable(stack, "ledger", { tableName: "lake-ledger", ...props });
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  return Object.values(json.resource["aws_dynamodb_table"] ?? {})[0] as Record<string, unknown>;
}

describe("LedgerTable", () => {
  it("is on-demand, encrypted, recoverable and deletion-protected by default", () => {
    expect(synth()).toMatchObject({
      name: "lake-ledger",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      attribute: [{ name: "pk", type: "S" }],
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
    expect(LEDGER_TABLE_DEFAULTS).toEqual({ partitionKey: "pk", deletionProtection: true });
  });

  it("is encrypted with the caller's customer-managed key when given one", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const key = new KmsKey(stack, "tables-key", { enableKeyRotation: true });
    new LedgerTable(stack, "ledger", { tableName: "lake-ledger", key });
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };

    expect(Object.values(json.resource["aws_dynamodb_table"] ?? {})[0]?.["server_side_encryption"]).toEqual({
      enabled: true,
      kms_key_arn: "${aws_kms_key.tables-key.arn}",
    });
  });

  it("adds a sort key and TTL when asked, and drops deletion protection only when told to", () => {
    expect(synth({ sortKey: "sk", ttlAttribute: "expires_at", deletionProtection: false })).toMatchObject({
      range_key: "sk",
      attribute: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
      ],
      ttl: { attribute_name: "expires_at", enabled: true },
      deletion_protection_enabled: false,
    });
  });

  it("rejects an invalid table name", () => {
    expect(() => synth({ tableName: "no spaces" })).toThrow(
      'LedgerTable: tableName "no spaces" must be 3-255 letters, digits, "_", "-" or "."',
    );
  });

  it("grantUpdateItems allows UpdateItem on one key prefix's items of this table only", () => {
    // prepare
    const stack = new TerraformStack(Testing.app(), "test");
    const table = new LedgerTable(stack, "ledger", { tableName: "lake-ledger" });
    const role = new IamRole(stack, "role", { name: "r", assumeRolePolicy: "{}" });
    // act
    table.grantUpdateItems(new RolePolicy(stack, "policy", { role }), "transform#");
    // assess
    const json = JSON.parse(Testing.synth(stack)) as {
      data: Record<string, Record<string, { statement: unknown[] }>>;
    };
    const doc = Object.values(json.data["aws_iam_policy_document"] ?? {})[0];
    expect(doc?.statement).toEqual([
      {
        actions: ["dynamodb:UpdateItem"],
        resources: ["${aws_dynamodb_table.ledger_table_BE9C0D06.arn}"],
        condition: [
          { test: "ForAllValues:StringLike", variable: "dynamodb:LeadingKeys", values: ["transform#*"] },
        ],
      },
    ]);
    expect(() => table.grantUpdateItems(new RolePolicy(stack, "p2", { role }), "")).toThrow(
      'LedgerTable.grantUpdateItems: keyPrefix "" must be a non-empty literal prefix',
    );
    expect(() => table.grantUpdateItems(new RolePolicy(stack, "p3", { role }), "a*")).toThrow(
      'LedgerTable.grantUpdateItems: keyPrefix "a*" must be a non-empty literal prefix',
    );
  });
});
