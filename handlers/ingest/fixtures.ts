import { readFileSync } from "node:fs";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";

/** Reads a fixture file beside this module. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

export function fixtureEvent(name: string): unknown {
  return JSON.parse(fixture(name));
}

/** An http pipeline for tests: `url` is a parameter so the moto test can point it at its own server. */
export function httpPipeline(
  url: string,
  headers?: Record<string, string | { secret: string }>,
): PipelineDeclaration {
  return {
    name: "orders",
    description: "test orders",
    source: { kind: "http", url, schedule: "rate(1 hour)", ...(headers ? { headers } : {}) },
    format: { type: "csv", header: true },
    schema: [{ name: "order_id", type: "bigint" }],
    partitionKeys: [],
    transform: { sql: "SELECT * FROM {{raw}}" },
  };
}
