import { ConfigError } from "./load.js";

/** Bench only: how many generated pipelines to add to the declared ones (bench/local.ts, the 20-pipeline run). */
export const EXTRA_PIPELINES_VARIABLE = "EVENT_LAKE_BENCH_EXTRA_PIPELINES";
export const MAX_EXTRA_PIPELINES = 60;

/** `EVENT_LAKE_BENCH_EXTRA_PIPELINES`, a whole number from 0 to 60. @default 0 */
export function benchExtraPipelines(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env[EXTRA_PIPELINES_VARIABLE];
  if (value === undefined || value === "") return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_EXTRA_PIPELINES)
    throw new ConfigError(EXTRA_PIPELINES_VARIABLE, [
      `${EXTRA_PIPELINES_VARIABLE}: "${value}" must be a whole number from 0 to ${MAX_EXTRA_PIPELINES} (unset it outside make bench)`,
    ]);
  return n;
}
