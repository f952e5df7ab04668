import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compatFor, LOCAL_GAPS } from "./compat.js";

describe("local compatibility", () => {
  it("lists every gap in the README's local section", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const gap of LOCAL_GAPS) expect(readme, gap.id).toContain(`| \`${gap.id}\` |`);
  });

  it("changes nothing outside local", () => {
    expect(compatFor({ name: "test" })).toEqual({
      isLocal: false,
      denyInsecureTransport: true,
      eventSourceMappingsEnabled: true,
      stateMachines: true,
      cloudtrailLogging: true,
      redshift: true,
      quicksight: true,
      xraySamplingRules: true,
      forceDestroyBuckets: false,
    });
  });

  it("turns off in local exactly what moto cannot do", () => {
    expect(compatFor({ name: "local" })).toEqual({
      isLocal: true,
      denyInsecureTransport: false,
      eventSourceMappingsEnabled: false,
      stateMachines: false,
      cloudtrailLogging: false,
      redshift: false,
      quicksight: false,
      xraySamplingRules: false,
      forceDestroyBuckets: true,
    });
  });
});
