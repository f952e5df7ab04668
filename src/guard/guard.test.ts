import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardCommand } from "./commands.js";
import { AllowListError, allowancesFromEnv, guardPlan, parseAllowList, readAllowList } from "./guard.js";
import { changeKind, PlanError, type PlanJson, parsePlan, type ResourceChange } from "./plan.js";
import { holdsOf, STATEFUL_TYPES } from "./stateful.js";

const fixture = (name: string) => `src/guard/fixtures/${name}.plan.json`;
const load = (name: string) => parsePlan(readFileSync(fixture(name), "utf8"), name);

function change(
  type: string,
  name: string,
  actions: string[],
  extra: Partial<ResourceChange> = {},
): ResourceChange {
  return {
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    change: { actions: actions as ResourceChange["change"]["actions"] },
    ...extra,
  };
}
const planOf = (...changes: ResourceChange[]): PlanJson => ({
  format_version: "1.2",
  resource_changes: changes,
});

describe("guardPlan on real (trimmed) plans from moto", () => {
  it("lets a plan with no code change through: no-ops, moto's perpetual updates and data reads", () => {
    const plan = load("noop");

    expect(plan.resource_changes?.map(changeKind)).toEqual([
      "read",
      "no-op",
      "no-op",
      "update",
      "no-op",
      "update",
    ]);
    expect(guardPlan(plan)).toEqual({ blocked: [], allowed: [], unused: [] });
  });

  it("blocks the buckets and the ledger table a prefix change replaces, with what each holds and why", () => {
    const result = guardPlan(load("renamed"), [], "local");

    expect(result.blocked).toEqual([
      {
        address: "aws_dynamodb_table.drop-to-raw-ledger_table_A5EB9897",
        type: "aws_dynamodb_table",
        kind: "replace",
        holds:
          "a DynamoDB table: its items go with it: the drop-to-raw ledger of converted files, so every file in the drop zone would be converted again",
        cause: "name cannot be changed in place",
        allowance: undefined,
      },
      expect.objectContaining({
        address: "aws_s3_bucket.zone-drop_bucket_2CC08DED",
        cause: "bucket cannot be changed in place",
      }),
      expect.objectContaining({ address: "aws_s3_bucket.zone-raw_bucket_E35E09B4", kind: "replace" }),
    ]);
  });

  it("ignores replaced resources that hold no data (queues, aliases, policies, bucket settings)", () => {
    const plan = load("renamed");
    const replacedTypes = new Set(
      (plan.resource_changes ?? []).filter((c) => changeKind(c) === "replace").map((c) => c.type),
    );

    expect([...replacedTypes].sort()).toEqual([
      "aws_dynamodb_table",
      "aws_iam_role_policy",
      "aws_kms_alias",
      "aws_s3_bucket",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_versioning",
      "aws_sqs_queue",
    ]);
    expect(
      guardPlan(plan)
        .blocked.map((f) => f.type)
        .sort(),
    ).toEqual(["aws_dynamodb_table", "aws_s3_bucket", "aws_s3_bucket"]);
  });

  it("blocks the in-place updates that destroy data, and the deletes of secrets, log groups and versioning", () => {
    const result = guardPlan(load("destructive"), [], "local");

    expect(result.blocked.map((f) => [f.kind, f.address, f.cause])).toEqual([
      ["delete", "aws_cloudwatch_log_group.audit[0]", "count shrank"],
      ["update", "aws_kms_key.disabled", "is_enabled true -> false"],
      ["update", "aws_kms_key.shorter_window", "deletion_window_in_days 30 -> 7"],
      ["update", "aws_s3_bucket.force", "force_destroy false -> true"],
      ["delete", "aws_s3_bucket_versioning.removed[0]", "count shrank"],
      [
        "update",
        "aws_s3_bucket_versioning.suspended",
        'versioning_configuration.status "Enabled" -> "Suspended"',
      ],
      ["delete", "aws_secretsmanager_secret.admin[0]", "count shrank"],
    ]);
    expect(result.blocked.find((f) => f.address === "aws_kms_key.disabled")?.holds).toBe(
      "disables the key: every object, queue, topic, table and log encrypted with it is unreadable until it is enabled again",
    );
  });

  it("lets the same plan's harmless update through: a log group's longer retention", () => {
    const plan = load("destructive");
    const kept = plan.resource_changes?.find((c) => c.address === "aws_cloudwatch_log_group.kept");

    expect(kept && changeKind(kept)).toBe("update");
    expect(guardPlan(plan).blocked.map((f) => f.address)).not.toContain("aws_cloudwatch_log_group.kept");
  });
});

describe("guardPlan on destructive updates", () => {
  const update = (type: string, before: Record<string, unknown>, after: Record<string, unknown>) =>
    planOf(change(type, "x", ["update"], { change: { actions: ["update"], before, after } }));

  it.each([
    ["aws_kms_key", { is_enabled: false }, { is_enabled: true }],
    ["aws_kms_key", { deletion_window_in_days: 7 }, { deletion_window_in_days: 30 }],
    ["aws_s3_bucket", { force_destroy: true }, { force_destroy: false }],
    [
      "aws_s3_bucket_versioning",
      { versioning_configuration: [{ status: "Suspended" }] },
      { versioning_configuration: [{ status: "Enabled" }] },
    ],
    ["aws_dynamodb_table", { deletion_protection_enabled: false }, { deletion_protection_enabled: true }],
    ["aws_secretsmanager_secret", { recovery_window_in_days: 30 }, { recovery_window_in_days: 7 }],
  ])("lets the protective direction through: %s %j -> %j", (type, before, after) => {
    expect(guardPlan(update(type, before, after)).blocked).toEqual([]);
  });

  it.each([
    ["aws_dynamodb_table", "deletion_protection_enabled", true, false],
    ["aws_secretsmanager_secret", "recovery_window_in_days", 30, 0],
  ])("blocks %s %s %j -> %j", (type, attribute, from, to) => {
    const result = guardPlan(update(type, { [attribute]: from }, { [attribute]: to }));

    expect(result.blocked.map((f) => [f.kind, f.cause])).toEqual([
      ["update", `${attribute} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`],
    ]);
  });

  it("lets a log group with skip_destroy go: Terraform forgets it, its events stay", () => {
    const plan = planOf(
      change("aws_cloudwatch_log_group", "kept", ["delete"], {
        change: { actions: ["delete"], before: { skip_destroy: true }, after: null },
      }),
    );

    expect(guardPlan(plan).blocked).toEqual([]);
  });

  it("names each DynamoDB table's role from its address", () => {
    expect(holdsOf("aws_dynamodb_table", "aws_dynamodb_table.ingest-runs_table_04E43030")).toBe(
      "a DynamoDB table: its items go with it: the ingest run ledger (each pull's ETag and Last-Modified), so every source would be fetched again in full",
    );
    expect(holdsOf("aws_dynamodb_table", "aws_dynamodb_table.analytics-runs_table_FF1155AF")).toMatch(
      /: the analytics run ledger \(crawler events, curated runs, claimed ingest dates\)/,
    );
    expect(holdsOf("aws_dynamodb_table", "aws_dynamodb_table.other")).toBe(
      STATEFUL_TYPES["aws_dynamodb_table"],
    );
  });
});

describe("guardPlan on each way a resource can go", () => {
  it.each([
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
  ])("blocks %j of a stateful resource as a %s", (actions, kind) => {
    const result = guardPlan(planOf(change("aws_kms_key", "zone-raw_key", actions)));

    expect(result.blocked.map((f) => [f.address, f.kind])).toEqual([["aws_kms_key.zone-raw_key", kind]]);
  });

  it.each([[["create"]], [["update"]], [["no-op"]], [["forget"]], [["read"]]])(
    "lets %j through",
    (actions) => {
      expect(guardPlan(planOf(change("aws_s3_bucket", "b", actions))).blocked).toEqual([]);
    },
  );

  it("names a construct removed or renamed as the cause of a delete", () => {
    const plan = planOf(
      change("aws_glue_catalog_table", "orders", ["delete"], {
        action_reason: "delete_because_no_resource_config",
      }),
    );

    expect(guardPlan(plan).blocked[0]).toMatchObject({
      kind: "delete",
      cause: "its construct is no longer in the stack (removed or renamed)",
    });
  });

  it("guards every listed type and ignores data sources", () => {
    const plan = planOf(...Object.keys(STATEFUL_TYPES).map((t) => change(t, "x", ["delete"])), {
      ...change("aws_s3_bucket", "read-only", ["delete"]),
      mode: "data",
    });

    expect(guardPlan(plan).blocked.map((f) => f.type)).toEqual([
      "aws_s3_bucket",
      "aws_kms_key",
      "aws_dynamodb_table",
      "aws_glue_catalog_database",
      "aws_glue_catalog_table",
      "aws_redshiftserverless_namespace",
      "aws_redshift_cluster",
      "aws_lakeformation_data_lake_settings",
      "aws_sagemaker_notebook_instance",
      "aws_secretsmanager_secret",
      "aws_cloudwatch_log_group",
      "aws_s3_bucket_versioning",
    ]);
  });
});

describe("allowances", () => {
  const plan = planOf(change("aws_s3_bucket", "a", ["delete"]), change("aws_s3_bucket", "b", ["delete"]));

  it("allow exactly the listed addresses, and report the ones that matched nothing", () => {
    const result = guardPlan(plan, allowancesFromEnv(" aws_s3_bucket.a ,aws_s3_bucket.gone,"));

    expect(result.blocked.map((f) => f.address)).toEqual(["aws_s3_bucket.b"]);
    expect(result.allowed.map((f) => [f.address, f.allowance?.source])).toEqual([
      ["aws_s3_bucket.a", "ALLOW_DESTROY"],
    ]);
    expect(result.unused.map((a) => a.address)).toEqual(["aws_s3_bucket.gone"]);
  });

  it("apply to their own stack only, when they name one", () => {
    const allow = parseAllowList(
      JSON.stringify({
        allow: [{ address: "aws_s3_bucket.a", stack: "sandbox", reason: "bucket moves to the new account" }],
      }),
    );

    expect(guardPlan(plan, allow, "test").blocked).toHaveLength(2);
    expect(guardPlan(plan, allow, "sandbox").blocked).toHaveLength(1);
  });

  it("in the committed file need an address and a reason, all problems reported at once", () => {
    const bad = JSON.stringify({
      allow: [
        { address: "bucket a", reason: "" },
        { address: "aws_kms_key.k", reason: "ok", extra: 1 },
      ],
    });

    expect(() => parseAllowList(bad, "allow.json")).toThrow(AllowListError);
    expect(() => parseAllowList(bad, "allow.json")).toThrow(
      [
        'allow.json: allow[0].address: "bucket a" is not a resource address like aws_s3_bucket.name',
        "allow.json: allow[0].reason: say why destroying it is intended (at least 10 characters)",
        "allow.json: allow[1]: unknown field extra",
        "allow.json: allow[1].reason: say why destroying it is intended (at least 10 characters)",
      ].join("\n"),
    );
  });

  it("the committed allow-list parses and is empty: nothing is allowed to be destroyed today", () => {
    expect(readAllowList()).toEqual([]);
  });
});

describe("parsePlan", () => {
  it.each([
    ["{", /not JSON/],
    ["[]", /not a JSON object/],
    [
      '{"resource_changes": []}',
      /no format_version; is this the output of `terraform show -json <planfile>`\?/,
    ],
    ['{"format_version": "2.0"}', /format 2\.0 is not supported/],
  ])("rejects %s", (text, message) => {
    expect(() => parsePlan(text, "p.json")).toThrow(PlanError);
    expect(() => parsePlan(text, "p.json")).toThrow(message);
  });
});

describe("guard CLI", () => {
  const run = (args: string[], env: Record<string, string> = {}) => {
    const lines: string[] = [];
    const code = guardCommand(args, (l) => lines.push(l), env);
    return { code, out: lines.join("\n") };
  };

  it("exits 1 on a blocked plan, printing each address, what it holds and the way out", () => {
    const { code, out } = run([fixture("renamed"), "--stack", "test"]);

    expect(code).toBe(1);
    expect(out).toContain(
      `BLOCKED replace aws_s3_bucket.zone-drop_bucket_2CC08DED (test): ${STATEFUL_TYPES["aws_s3_bucket"]}. Cause: bucket cannot be changed in place.`,
    );
    expect(out).toContain("guard: 3 change(s) would destroy, replace or put at risk a stateful resource.");
    expect(out).toContain("ALLOW_DESTROY=<address>[,<address>]");
  });

  it("exits 0 on a no-op plan, and on a blocked one whose addresses are allowed", () => {
    const allowed = run([fixture("renamed")], {
      ALLOW_DESTROY:
        "aws_s3_bucket.zone-drop_bucket_2CC08DED,aws_s3_bucket.zone-raw_bucket_E35E09B4,aws_dynamodb_table.drop-to-raw-ledger_table_A5EB9897",
    });

    expect(run([fixture("noop")])).toEqual({
      code: 0,
      out: "guard: ok, no stateful resource destroyed, replaced or updated destructively",
    });
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain(
      "allowed replace aws_s3_bucket.zone-raw_bucket_E35E09B4: listed in ALLOW_DESTROY [ALLOW_DESTROY]",
    );
  });

  it("reads another allow-list with --allow-list, and exits 2 on usage errors, bad files and bad allow-lists", () => {
    const dir = mkdtempSync(join(tmpdir(), "guard-cli-"));
    const list = join(dir, "allow.json");
    writeFileSync(list, JSON.stringify({ allow: [{ address: "aws_s3_bucket.x" }] }));

    expect(run([]).code).toBe(2);
    expect(run([fixture("noop"), "--bogus", "1"]).out).toMatch(/^guard: unknown option --bogus\nusage:/);
    expect(run([join(dir, "missing.json")]).code).toBe(2);
    expect(run([fixture("noop"), "--allow-list", list])).toEqual({
      code: 2,
      out: `guard: ${list}: allow[0].reason: say why destroying it is intended (at least 10 characters)`,
    });
  });
});
