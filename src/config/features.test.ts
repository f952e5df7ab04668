import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEATURE_DEFAULTS, featureDefaults } from "./features.js";
import { ENVIRONMENT_NAMES, type FeatureConfig } from "./types.js";

/** The rows of docs/features.md's "Features and what they cost" table: first cell, default cell. */
function tableRows(): { keys: string[]; defaults: string; turnsOn: string; costs: string }[] {
  const page = readFileSync("docs/features.md", "utf8");
  const section = page.split("# Features and what they cost")[1]?.split("\n## ")[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [first = "", defaults = "", turnsOn = "", costs = ""] = line.split(" | ").map((c) => c.trim());
      return { keys: [...first.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? ""), defaults, turnsOn, costs };
    });
}

describe("the features table in docs/features.md", () => {
  const rows = tableRows();

  it("has one row for every feature, and nothing else", () => {
    expect(rows.flatMap((r) => r.keys).sort()).toEqual(Object.keys(FEATURE_DEFAULTS).sort());
  });

  it.each(Object.keys(FEATURE_DEFAULTS) as (keyof FeatureConfig)[])(
    "states %s's default in each environment",
    (key) => {
      const row = rows.find((r) => r.keys.includes(key));
      const values = ENVIRONMENT_NAMES.map((env) => `\`${JSON.stringify(featureDefaults(env)[key])}\``);
      const expected = new Set(values).size === 1 ? (values[0] ?? "") : values.join(" / ");

      expect(row?.defaults).toContain(expected);
    },
  );

  it("says what each feature turns on and what it costs", () => {
    for (const row of rows) {
      expect(row.turnsOn.length, row.keys.join()).toBeGreaterThan(20);
      expect(row.costs, row.keys.join()).toMatch(/\$|free|nothing extra|per node-hour/);
    }
  });
});
