import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startMoto, stopMoto } from "../local/moto.js";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import type { LakeFixture } from "./lake.js";
import { synthApp } from "./synth.js";

/**
 * Global setup of the `lake` test project: one fresh moto on a free port, the real `local` stack synthesized and
 * applied to it with its own temporary state, shared by every *.lake.test.ts file. Torn down by stopping moto.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), "event-lake-lake-"));
  const moto = await startMoto({ dir: stateDir });
  try {
    const started = Date.now();
    const { outdir } = await synthApp({
      environments: ["local"],
      env: { EVENT_LAKE_LOCAL_ENDPOINT: moto.endpoint, EVENT_LAKE_LOCAL_STATE_DIR: stateDir },
    });
    const rc = join(stateDir, "terraform.rc");
    writeFileSync(rc, renderCliConfig(chooseMirror(process.env)));
    const cwd = join(outdir, "stacks", "local");
    const options = { cwd, env: terraformEnv(rc), timeoutMs: 600_000 };
    await runTerraform(["init", "-input=false", "-no-color"], options);
    await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], options);
    const { stdout } = await runTerraform(["output", "-json"], options);
    const outputs = Object.fromEntries(
      Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
    );
    const fixture: LakeFixture = {
      endpoint: moto.endpoint,
      stateDir,
      stackDir: cwd,
      cliConfig: rc,
      outputs,
      applySeconds: (Date.now() - started) / 1000,
    };
    project.provide("lake", fixture);
  } catch (error) {
    await stopMoto(stateDir);
    throw error;
  }
  return async () => {
    await stopMoto(stateDir);
  };
}
