import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planSummaryCommand } from "./commands.js";
import { guardPlan } from "./guard.js";
import { parsePlan } from "./plan.js";
import { COMMENT_LIMIT, commentMarker, countChanges, renderPlanSummary } from "./plan-summary.js";

const load = (name: string) => parsePlan(readFileSync(`src/guard/fixtures/${name}.plan.json`, "utf8"), name);

describe("countChanges", () => {
  it("counts as Terraform does: a replacement is one add and one destroy", () => {
    expect(countChanges(load("renamed"))).toEqual({
      add: 8,
      change: 1,
      destroy: 8,
      replace: 8,
      import: 0,
      forget: 0,
    });
    expect(countChanges(load("noop"))).toEqual({
      add: 0,
      change: 2,
      destroy: 0,
      replace: 0,
      import: 0,
      forget: 0,
    });
  });
});

describe("renderPlanSummary", () => {
  it("starts with the hidden marker, then the counts, every replaced resource and the guard's verdict", () => {
    const plan = load("renamed");
    const text = renderPlanSummary({
      plan,
      stack: "test",
      guard: guardPlan(plan),
      context: "commit abc1234",
    });

    expect(text.split("\n").slice(0, 6)).toEqual([
      "<!-- event-lake-plan:test -->",
      "### ⛔ Terraform plan for `test`",
      "",
      "commit abc1234",
      "",
      "**8 to add, 1 to change, 8 to destroy** (8 replaced)",
    ]);
    expect(text).toContain("| action | resource | stateful | why |");
    expect(text).toContain(
      "| replace | `aws_s3_bucket.zone-drop_bucket_2CC08DED` | **yes** | bucket cannot be changed in place |",
    );
    expect(text).toContain(
      "| replace | `aws_kms_alias.zone-drop_key-alias_F2CDDF73` | no | name cannot be changed in place |",
    );
    expect(text).toContain("**Guard: blocked.**");
    expect(text).toContain("BLOCKED replace aws_dynamodb_table.drop-to-raw-ledger_table_A5EB9897 (test)");
  });

  it("says so when nothing is replaced or destroyed, and when nothing changes at all", () => {
    const noop = load("noop");

    expect(renderPlanSummary({ plan: noop, stack: "sandbox", guard: guardPlan(noop) })).toContain(
      "### ✅ Terraform plan for `sandbox`\n\n**0 to add, 2 to change, 0 to destroy**\n\nNothing is replaced or destroyed.\n\nGuard: ok.",
    );
    expect(renderPlanSummary({ plan: { format_version: "1.2" }, stack: "test" })).toContain(
      "No changes: the environment matches the code.",
    );
  });

  it("folds the full plan into <details>, and truncates it to stay under GitHub's comment limit", () => {
    const plan = load("noop");
    const short = renderPlanSummary({ plan, stack: "test", planText: "Terraform will perform ```x```" });
    const long = renderPlanSummary({ plan, stack: "test", planText: "~ update\n".repeat(20_000) });

    expect(short).toContain(
      "<details><summary>Full plan</summary>\n\n```text\nTerraform will perform ʼʼʼxʼʼʼ\n```\n\n</details>",
    );
    expect(long.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(long).toContain("… truncated: the full plan is in the run's plan-test artifact.");
    expect(long.endsWith("</details>\n")).toBe(true);
  });

  it("uses one marker per environment", () => {
    expect(commentMarker("sandbox")).toBe("<!-- event-lake-plan:sandbox -->");
  });
});

describe("plan-summary CLI", () => {
  it("prints the comment for a plan file, and exits 2 without --stack", () => {
    const lines: string[] = [];

    expect(
      planSummaryCommand(["src/guard/fixtures/noop.plan.json", "--stack", "test"], (l) => lines.push(l), {}),
    ).toBe(0);
    expect(lines.join("\n")).toContain("<!-- event-lake-plan:test -->");
    expect(planSummaryCommand(["src/guard/fixtures/noop.plan.json"], () => undefined, {})).toBe(2);
  });
});
