import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../app.js";
import { loadConfig } from "../config/index.js";
import type { EnvironmentName, LakeConfig } from "../config/types.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { loadPipelines } from "../pipelines/index.js";
import { type Body, blocksOf, readStackJson, type TerraformJson } from "../terraform/json.js";

/** The synthesized Terraform JSON of one stack, with the blocks every app stack has. */
export type StackJson = TerraformJson & {
  terraform: Body;
  provider: { aws: Body[] };
  resource: Record<string, Record<string, Body>>;
  output?: Record<string, { value: unknown }>;
};

export interface SynthResult {
  readonly outdir: string;
  readonly config: LakeConfig;
  readonly stacks: Record<string, StackJson>;
}

/**
 * Synthesizes the real app into a fresh temporary folder. `env` overrides config values the way the shell would
 * (e.g. `EVENT_LAKE_LOCAL_ENDPOINT`); the local state dir defaults to a temporary one so parallel runs never share.
 */
export async function synthApp(
  options: {
    env?: Record<string, string>;
    environments?: readonly EnvironmentName[];
    pipelines?: readonly PipelineDeclaration[];
  } = {},
): Promise<SynthResult> {
  const outdir = mkdtempSync(join(tmpdir(), "event-lake-synth-"));
  const config = loadConfig({
    env: { EVENT_LAKE_LOCAL_STATE_DIR: join(outdir, "local-state"), ...options.env },
  });
  const pipelines = options.pipelines ?? (await loadPipelines());
  buildApp({
    config,
    pipelines,
    outdir,
    environments: options.environments,
    bootstrapStateDir: join(outdir, "bootstrap-state"),
  }).synth();
  const names = [...(options.environments ?? ["test", "sandbox", "local"]), "bootstrap"];
  const stacks = Object.fromEntries(names.map((name) => [name, readStackJson(outdir, name) as StackJson]));
  return { outdir, config, stacks };
}

/** Every resource of a type, keyed by its construct path (stable across hash changes). */
export function resourcesOf(stack: StackJson, type: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(blocksOf(stack, "resource", (t) => t === type).map((b) => [b.path, b.body]));
}

/** The one resource of `type` whose construct path ends with `pathSuffix`. */
export function resourceAt(stack: StackJson, type: string, pathSuffix: string): Record<string, unknown> {
  const matches = Object.entries(resourcesOf(stack, type)).filter(([path]) => path.endsWith(pathSuffix));
  if (matches.length !== 1)
    throw new Error(
      `${matches.length} ${type} at *${pathSuffix}; have: ${Object.keys(resourcesOf(stack, type)).join(", ")}`,
    );
  return (matches[0] as [string, Record<string, unknown>])[1];
}

/** Drops the 8-character hashes cdktf appends to logical ids, so assertions read `${aws_kms_key.zone_key.arn}`. */
export function maskHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/_[0-9A-F]{8}(?=[."}\]])/g, "")) as T;
}
