import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";

/** What the `lake` project's global setup hands every lake test: moto, and the applied local stack. */
export interface LakeFixture {
  readonly endpoint: string;
  readonly stateDir: string;
  readonly stackDir: string;
  readonly cliConfig: string;
  /** Terraform outputs of the applied local stack, by name. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly applySeconds: number;
}

/** Where the global setup writes the fixture once the stack is applied (or `{ error }` if it was not). */
export const LAKE_FIXTURE_FILE = "lake-fixture.json";

declare module "vitest" {
  export interface ProvidedContext {
    lakeFixtureFile: string;
  }
}

let fixture: LakeFixture | undefined;

function read(file: string): LakeFixture {
  const value = JSON.parse(readFileSync(file, "utf8")) as LakeFixture | { error: string };
  if ("error" in value) throw new Error(`the lake tests' local stack was not applied: ${value.error}`);
  fixture = value;
  return value;
}

/** Waits for the global setup's apply (it runs while the unit tests do); src/testing/lake-ready.ts calls it. */
export async function waitForLake(timeoutMs = 900_000): Promise<LakeFixture> {
  const file = inject("lakeFixtureFile");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline)
      throw new Error(`the lake tests' local stack was not applied within ${timeoutMs / 1000} s (${file})`);
    await sleep(1000);
  }
  return read(file);
}

export function lake(): LakeFixture {
  if (fixture !== undefined) return fixture;
  const file = inject("lakeFixtureFile");
  if (!existsSync(file))
    throw new Error(
      "the lake is not applied yet: lake tests run after src/testing/lake-ready.ts (vitest.config.ts)",
    );
  return read(file);
}

/** An output of the applied stack; a missing one is a test failure that names it. */
export function output(name: string): string {
  const value = lake().outputs[name];
  if (value === undefined) throw new Error(`the local stack has no output "${name}"`);
  return value;
}
