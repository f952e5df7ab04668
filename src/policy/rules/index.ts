import type { Rule } from "../types.js";
import { analyticsRules } from "./analytics.js";
import { iamRules } from "./iam.js";
import { lambdaRules } from "./lambda.js";
import { messagingRules } from "./messaging.js";
import { platformRules } from "./platform.js";
import { principalRules } from "./principals.js";
import { s3Rules } from "./s3.js";

/** The event-lake rule pack: every rule, in report order. */
export const RULES: readonly Rule[] = [
  ...s3Rules,
  ...messagingRules,
  ...lambdaRules,
  ...platformRules,
  ...iamRules,
  ...principalRules,
  ...analyticsRules,
];

const ids = new Set<string>();
for (const rule of RULES) {
  if (ids.has(rule.id)) throw new Error(`duplicate policy rule id ${rule.id}`);
  ids.add(rule.id);
}

/**
 * Rules a stack satisfies for all its constructs at once, through an aspect: a construct built on its own in a
 * module test cannot pass them, and is not meant to (src/stacks/role-boundary.test.ts checks them on the stacks).
 */
export const STACK_LEVEL_RULE_IDS: readonly string[] = ["IAM.RoleBoundary"];

/** The rules a module's own resources must pass in its tests: every rule but the stack-level ones. */
export const MODULE_RULES: readonly Rule[] = RULES.filter((r) => !STACK_LEVEL_RULE_IDS.includes(r.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
