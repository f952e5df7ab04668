import type { Rule } from "../types.js";
import { analyticsRules } from "./analytics.js";
import { iamRules } from "./iam.js";
import { lambdaRules } from "./lambda.js";
import { messagingRules } from "./messaging.js";
import { platformRules } from "./platform.js";
import { s3Rules } from "./s3.js";

/** The event-lake rule pack: every rule, in report order. */
export const RULES: readonly Rule[] = [
  ...s3Rules,
  ...messagingRules,
  ...lambdaRules,
  ...platformRules,
  ...iamRules,
  ...analyticsRules,
];

const ids = new Set<string>();
for (const rule of RULES) {
  if (ids.has(rule.id)) throw new Error(`duplicate policy rule id ${rule.id}`);
  ids.add(rule.id);
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
