import { readFileSync } from "node:fs";
import { changeKind, destroysObject, type PlanJson, type ResourceChange, replaceReason } from "./plan.js";
import { destructiveUpdates, holdsOf, isStateful, REPLACE_KEEPS_DATA } from "./stateful.js";

/** The committed allow-list: each entry lets one plan destroy or replace one stateful resource, for a reason. */
export const ALLOW_LIST_FILE = "src/guard/allow-destroy.json";

export interface Allowance {
  /** Full resource address, e.g. `aws_s3_bucket.zone-drop_bucket_2CC08DED`. */
  readonly address: string;
  /** Only in this stack (test, sandbox, …). @default every stack */
  readonly stack?: string;
  /** Why destroying it is intended: required, it is what reviewers read. */
  readonly reason: string;
  /** Where the allowance came from, for messages. */
  readonly source: string;
}

export interface GuardFinding {
  readonly address: string;
  readonly type: string;
  /** `update`: an in-place change that destroys data or arms its destruction (DESTRUCTIVE_UPDATES). */
  readonly kind: "delete" | "replace" | "update";
  /** What the resource holds (from STATEFUL_TYPES), or for an update what the change does to it. */
  readonly holds: string;
  /** Why Terraform deletes or replaces it, when the plan says; for an update, the attribute change. */
  readonly cause?: string;
  readonly allowance?: Allowance;
}

export interface GuardResult {
  /** Stateful resources the plan would destroy, replace or update destructively, with no allowance. */
  readonly blocked: readonly GuardFinding[];
  /** Stateful resources the plan destroys, replaces or updates destructively, each covered by an allowance. */
  readonly allowed: readonly GuardFinding[];
  /** Allowances that matched nothing in this plan (stale entries worth removing). */
  readonly unused: readonly Allowance[];
}

/**
 * Pure: which stateful resources this plan destroys or replaces, which updates destroy data in place (a key
 * disabled, versioning suspended, force_destroy turned on, …), and which of those are allowed.
 */
export function guardPlan(
  plan: PlanJson,
  allowances: readonly Allowance[] = [],
  stack?: string,
): GuardResult {
  const applicable = allowances.filter(
    (a) => a.stack === undefined || stack === undefined || a.stack === stack,
  );
  const used = new Set<Allowance>();
  const blocked: GuardFinding[] = [];
  const allowed: GuardFinding[] = [];
  for (const change of plan.resource_changes ?? []) {
    const allowance = applicable.find((a) => a.address === change.address);
    for (const finding of findingsOf(change, allowance)) {
      if (allowance) {
        used.add(allowance);
        allowed.push(finding);
      } else blocked.push(finding);
    }
  }
  return { blocked, allowed, unused: applicable.filter((a) => !used.has(a)) };
}

function findingsOf(change: ResourceChange, allowance: Allowance | undefined): GuardFinding[] {
  const base = { address: change.address, type: change.type, allowance };
  if (destroysObject(change)) {
    const kind = changeKind(change) === "replace" ? "replace" : "delete";
    if (!isStateful(change.type) || keptOnDestroy(change)) return [];
    if (kind === "replace" && REPLACE_KEEPS_DATA.has(change.type)) return [];
    return [{ ...base, kind, holds: holdsOf(change.type, change.address), cause: replaceReason(change) }];
  }
  if (change.mode !== "managed" || changeKind(change) !== "update") return [];
  return destructiveUpdates(change.type, change.change.before ?? {}, change.change.after ?? {}).map(
    ([effect, cause]) => ({ ...base, kind: "update" as const, holds: effect, cause }),
  );
}

/** A log group with skip_destroy is only removed from the state on delete; its events stay. */
function keptOnDestroy(change: ResourceChange): boolean {
  return (
    change.type === "aws_cloudwatch_log_group" &&
    changeKind(change) === "delete" &&
    change.change.before?.["skip_destroy"] === true
  );
}

export class AllowListError extends Error {}

/** `ALLOW_DESTROY=<address>[,<address>]`: allowances for one run, e.g. a deliberate rebuild from a laptop. */
export function allowancesFromEnv(value: string | undefined): Allowance[] {
  return (value ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .map((address) => ({ address, reason: "listed in ALLOW_DESTROY", source: "ALLOW_DESTROY" }));
}

/**
 * Reads the committed allow-list: `{ "allow": [{ "address", "stack"?, "reason" }] }`. Every problem is collected
 * and thrown once; an entry without a reason is a problem, since the reason is what the reviewer approves.
 */
export function parseAllowList(text: string, source = ALLOW_LIST_FILE): Allowance[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AllowListError(`${source}: not JSON (${(error as Error).message})`);
  }
  const entries = (raw as { allow?: unknown } | null)?.allow;
  if (!Array.isArray(entries)) throw new AllowListError(`${source}: expected { "allow": [ … ] }`);
  const problems: string[] = [];
  const allowances: Allowance[] = [];
  entries.forEach((entry: unknown, index) => {
    const at = `${source}: allow[${index}]`;
    const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !["address", "stack", "reason"].includes(k));
    if (unknown.length > 0) problems.push(`${at}: unknown field ${unknown.join(", ")}`);
    const address = e["address"];
    const reason = e["reason"];
    const stack = e["stack"];
    if (typeof address !== "string" || !/^[a-z0-9_]+\.[^\s.]+$/.test(address))
      problems.push(
        `${at}.address: ${JSON.stringify(address)} is not a resource address like aws_s3_bucket.name`,
      );
    if (typeof reason !== "string" || reason.trim().length < 10)
      problems.push(`${at}.reason: say why destroying it is intended (at least 10 characters)`);
    if (stack !== undefined && typeof stack !== "string") problems.push(`${at}.stack: must be a stack name`);
    if (typeof address === "string" && typeof reason === "string")
      allowances.push({
        address,
        reason,
        source,
        ...(typeof stack === "string" ? { stack } : {}),
      });
  });
  if (problems.length > 0) throw new AllowListError(problems.join("\n"));
  return allowances;
}

export function readAllowList(file = ALLOW_LIST_FILE): Allowance[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return parseAllowList(text, file);
}

/** The guard's report as lines: what it blocks and why, what it allows and on whose word. */
export function formatGuard(result: GuardResult, stack?: string): string[] {
  const where = stack ? ` (${stack})` : "";
  const lines: string[] = [];
  for (const f of result.blocked)
    lines.push(`BLOCKED ${f.kind} ${f.address}${where}: ${f.holds}.${f.cause ? ` Cause: ${f.cause}.` : ""}`);
  for (const f of result.allowed)
    lines.push(`allowed ${f.kind} ${f.address}${where}: ${f.allowance?.reason} [${f.allowance?.source}]`);
  for (const a of result.unused)
    lines.push(`note: allowance for ${a.address} (${a.source}) matched nothing in this plan; remove it`);
  if (result.blocked.length > 0)
    lines.push(
      "",
      `guard: ${result.blocked.length} change(s) would destroy, replace or put at risk a stateful resource.`,
      "  If this is a renamed construct id, keep the old id (or add a moved block) so the address stays the same.",
      "  If an update is blocked, undo the setting it names unless losing that protection is the point.",
      `  If it is intended, add { "address", "stack", "reason" } to ${ALLOW_LIST_FILE} in the same pull request,`,
      "  or for a one-off run set ALLOW_DESTROY=<address>[,<address>].",
    );
  else
    lines.push(
      `guard: ok, no stateful resource destroyed, replaced or updated destructively${result.allowed.length > 0 ? ` without an allowance (${result.allowed.length} allowed)` : ""}`,
    );
  return lines;
}
