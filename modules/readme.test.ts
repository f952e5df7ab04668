import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";

// One construct per folder, each with a README whose example is example.ts verbatim: tsc compiles it, this test
// synthesizes it, so the documentation cannot drift from the code.
const modules = readdirSync("modules", { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("module READMEs", () => {
  it("covers every module folder", () => {
    expect(modules.length).toBeGreaterThanOrEqual(6);
  });

  it.each(modules)(
    "%s has index.ts, a README and an example that the README shows verbatim and that synthesizes",
    async (name) => {
      const dir = join("modules", name);
      expect(existsSync(join(dir, "index.ts"))).toBe(true);
      const readme = readFileSync(join(dir, "README.md"), "utf8");
      const example = readFileSync(join(dir, "example.ts"), "utf8");
      expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);

      const module = (await import(`./${name}/example.ts`)) as Record<
        string,
        (scope: TerraformStack) => unknown
      >;
      const build = Object.values(module).find((v) => typeof v === "function");
      const stack = new TerraformStack(Testing.app(), "example");
      build?.(stack);
      const json = JSON.parse(Testing.synth(stack)) as { resource?: object; data?: object };
      expect(Object.keys({ ...json.resource, ...json.data }).length).toBeGreaterThan(0);
    },
  );
});
