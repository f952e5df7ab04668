import type { Construct } from "constructs";
import type { LakeAnalytics } from "./analytics.js";
import type { LakeParts } from "./context.js";

/** Network, Redshift with Spectrum, QuickSight, SageMaker, personas and the audit trail (issue #6). */
export type LakeWarehouse = Record<string, never>;

export function buildWarehouse(
  _scope: Construct,
  _parts: LakeParts & { analytics: LakeAnalytics },
): LakeWarehouse {
  return {};
}
