import type { Construct } from "constructs";
import type { LakeParts } from "./context.js";

/** The Lambdas that move data: ingest (pull, push, stream) and drop-to-raw. Filled in by the handlers work. */
export type LakeProcessing = Record<string, never>;

export function buildProcessing(_scope: Construct, _parts: LakeParts): LakeProcessing {
  return {};
}
