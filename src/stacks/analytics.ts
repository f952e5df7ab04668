import type { Construct } from "constructs";
import type { LakeParts } from "./context.js";
import type { LakeProcessing } from "./processing.js";

/** Catalog, crawler chain, Athena and the curated stage (issue #5). */
export type LakeAnalytics = Record<string, never>;

export function buildAnalytics(
  _scope: Construct,
  _parts: LakeParts & { processing: LakeProcessing },
): LakeAnalytics {
  return {};
}
