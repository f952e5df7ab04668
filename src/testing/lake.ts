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

declare module "vitest" {
  export interface ProvidedContext {
    lake: LakeFixture;
  }
}

export function lake(): LakeFixture {
  return inject("lake");
}

/** An output of the applied stack; a missing one is a test failure that names it. */
export function output(name: string): string {
  const value = lake().outputs[name];
  if (value === undefined) throw new Error(`the local stack has no output "${name}"`);
  return value;
}
