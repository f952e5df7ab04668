import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTerraform, terraformEnv, withNoColor, writeCliConfig } from "./run.js";

describe("withNoColor", () => {
  it("adds -no-color after the subcommand when the output reaches no terminal", () => {
    expect(withNoColor(["plan", "-input=false", "-out=tfplan"], false)).toEqual([
      "plan",
      "-no-color",
      "-input=false",
      "-out=tfplan",
    ]);
    expect(withNoColor(["apply", "tfplan"], false)).toEqual(["apply", "-no-color", "tfplan"]);
  });

  it("leaves the arguments alone on a terminal, when already there, and for subcommands without the flag", () => {
    expect(withNoColor(["plan"], true)).toEqual(["plan"]);
    expect(withNoColor(["show", "-json", "-no-color"], false)).toEqual(["show", "-json", "-no-color"]);
    expect(withNoColor(["version"], false)).toEqual(["version"]);
    expect(withNoColor(["state", "list"], false)).toEqual(["state", "list"]);
  });
});

describe("runTerraform", () => {
  it("collects terraform's output without colour codes", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "event-lake-tf-color-"));

    const { stdout } = await runTerraform(["validate"], {
      cwd,
      env: terraformEnv(writeCliConfig(join(cwd, "terraform.rc")).path),
      timeoutMs: 60_000,
    });

    expect(stdout).toContain("Success! The configuration is valid.");
    expect(stdout).not.toContain("\u001b[");
  });
});
