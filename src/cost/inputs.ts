/** The cost model's file inputs: the synthesized stack and the converter benchmark, each optional. */
import { existsSync, readFileSync } from "node:fs";
import { readTerraformJson } from "../terraform/json.js";
import { converterMeasurement } from "./measured.js";
import { DEFAULT_ASSUMPTIONS, type ModelConfig } from "./model.js";
import { type PriceTable, pricesFor } from "./prices.js";
import { readStackFacts } from "./stack.js";

export const DEFAULT_STACK_JSON = "cdktf.out/stacks/test/cdk.tf.json";
export const DEFAULT_CONVERTER_JSON = "bench/out/converter.json";

export interface ModelInputs {
  readonly config: ModelConfig;
  readonly prices: PriceTable;
  /** Which files were read, which were missing. */
  readonly provenance: readonly string[];
}

export function loadInputs(options: {
  stackJson?: string;
  converterJson?: string;
  region?: string;
  assumptions?: Partial<ModelConfig["assumptions"]>;
}): ModelInputs {
  const stackPath = options.stackJson ?? DEFAULT_STACK_JSON;
  const converterPath = options.converterJson ?? DEFAULT_CONVERTER_JSON;
  const stackJson = existsSync(stackPath) ? readTerraformJson(stackPath) : undefined;
  const stack = readStackFacts(stackJson);
  const converter = converterMeasurement(readJson(converterPath));
  const fallbacks = Object.entries(stack.sources)
    .filter(([, s]) => s === "fallback")
    .map(([k]) => k);
  const provenance = [
    stackJson
      ? `stack configuration: ${stackPath}${fallbacks.length > 0 ? `; not declared there yet, so fallback constants: ${fallbacks.join(", ")}` : ""}`
      : `stack configuration: ${stackPath} not found (run make synth): fallback constants for every field`,
    `converter: ${converter.source}${converter.isFallback ? " (FALLBACK figure: run bench/converter.ts for a measured one)" : ""}`,
  ];
  return {
    config: { stack, converter, assumptions: { ...DEFAULT_ASSUMPTIONS, ...options.assumptions } },
    prices: pricesFor(options.region ?? stack.region),
    provenance,
  };
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
