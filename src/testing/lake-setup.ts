import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startMoto, stopMoto } from "../local/moto.js";
import { runTerraform } from "../terraform/run.js";
import { applyLocalStack } from "./apply-local.js";
import type { LakeFixture } from "./lake.js";

/**
 * Global setup of the `lake` test project: one fresh moto on a free port, the real `local` stack synthesized and
 * applied to it with its own temporary state, shared by every *.lake.test.ts file. Torn down by stopping moto.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), "event-lake-lake-"));
  const moto = await startMoto({ dir: stateDir });
  try {
    const started = Date.now();
    const { stackDir, cliConfig, options } = await applyLocalStack(stateDir, moto.endpoint);
    const { stdout } = await runTerraform(["output", "-json"], options);
    const outputs = Object.fromEntries(
      Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
    );
    const fixture: LakeFixture = {
      endpoint: moto.endpoint,
      stateDir,
      stackDir,
      cliConfig,
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
