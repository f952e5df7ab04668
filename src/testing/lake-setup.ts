import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { STATE_FILE } from "../local/fast-path.js";
import { startMoto, stopMoto } from "../local/moto.js";
import { runTerraform } from "../terraform/run.js";
import { applyLocalStack } from "./apply-local.js";
import { LAKE_FIXTURE_FILE, type LakeFixture } from "./lake.js";

/**
 * Global setup of the `lake` test project: one fresh moto on a free port, the real `local` stack synthesized and
 * applied to it with its own temporary state, shared by every *.lake.test.ts file. Torn down by stopping moto.
 *
 * The apply (3-6 minutes, most of it the provider's waiters, not CPU) is not awaited here: vitest runs every
 * project's global setup before any test file, so it would hold up the unit tests too. It runs while they do (the
 * lake files come after them, `sequence.groupOrder` in vitest.config.ts) and writes the fixture, or its error, to
 * `<stateDir>/lake-fixture.json`; each lake file waits for it first (src/testing/lake-ready.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), "event-lake-lake-"));
  const moto = await startMoto({ dir: stateDir });
  const fixtureFile = join(stateDir, LAKE_FIXTURE_FILE);
  const write = (value: LakeFixture | { error: string }) => {
    writeFileSync(`${fixtureFile}.tmp`, JSON.stringify(value));
    renameSync(`${fixtureFile}.tmp`, fixtureFile);
  };
  const applied = (async () => {
    const started = Date.now();
    // One more apply, from scratch, if the first fails: under load the provider's SDK sometimes retries a create
    // whose first answer moto had not sent in time, and the retry is refused as a duplicate (seen:
    // AuthorizeSecurityGroupEgress InvalidPermission.Duplicate; Glue CreateDatabase AlreadyExistsException). The
    // object then exists in moto but not in the state, so applying again on the same moto fails the same way: moto is
    // reset and the state removed first.
    const { stackDir, cliConfig, options } = await applyLocalStack(stateDir, moto.endpoint).catch(
      async (error: unknown) => {
        process.stderr.write(
          `lake setup: the apply failed; resetting moto and the state, applying once more: ${String(error)}\n`,
        );
        await resetMoto(moto.endpoint);
        for (const file of [STATE_FILE, `${STATE_FILE}.backup`])
          rmSync(join(stateDir, file), { force: true });
        return applyLocalStack(stateDir, moto.endpoint);
      },
    );
    const { stdout } = await runTerraform(["output", "-json"], options);
    const outputs = Object.fromEntries(
      Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
    );
    write({
      endpoint: moto.endpoint,
      stateDir,
      stackDir,
      cliConfig,
      outputs,
      applySeconds: (Date.now() - started) / 1000,
    });
  })().catch((error: unknown) =>
    write({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
  project.provide("lakeFixtureFile", fixtureFile);
  return async () => {
    await applied;
    await stopMoto(stateDir);
  };
}

/** Empties every service of the moto at `endpoint` (moto's own `POST /moto-api/reset`). */
async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset at ${endpoint}: HTTP ${response.status}`);
}
