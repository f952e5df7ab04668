import { formatGuard, type GuardResult } from "./guard.js";
import { type ChangeKind, changeKind, type PlanJson, type ResourceChange, replaceReason } from "./plan.js";
import { isStateful } from "./stateful.js";

/** GitHub refuses comments over 65,536 characters; stay well below. */
export const COMMENT_LIMIT = 60_000;

/** The hidden marker that finds this environment's comment again, so each push updates it in place. */
export function commentMarker(stack: string): string {
  return `<!-- event-lake-plan:${stack} -->`;
}

export interface PlanCounts {
  /** As Terraform counts: a replacement is one add and one destroy. */
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
  readonly import: number;
  readonly forget: number;
}

export function countChanges(plan: PlanJson): PlanCounts {
  const kinds = managed(plan).map(changeKind);
  const n = (kind: ChangeKind) => kinds.filter((k) => k === kind).length;
  return {
    add: n("create") + n("replace"),
    change: n("update"),
    destroy: n("delete") + n("replace"),
    replace: n("replace"),
    import: managed(plan).filter((c) => c.change.importing !== undefined).length,
    forget: n("forget"),
  };
}

export interface SummaryInput {
  readonly plan: PlanJson;
  readonly stack: string;
  /** `terraform show -no-color <planfile>`, folded into <details>. */
  readonly planText?: string;
  readonly guard?: GuardResult;
  /** Shown under the title, e.g. "commit abc1234 · run 42". */
  readonly context?: string;
  readonly limit?: number;
}

/** The PR comment for one environment's plan: counts, every replace and destroy, guard verdict, full plan. */
export function renderPlanSummary(input: SummaryInput): string {
  const { plan, stack } = input;
  const counts = countChanges(input.plan);
  const limit = input.limit ?? COMMENT_LIMIT;
  const destructive = managed(plan).filter((c) => ["replace", "delete"].includes(changeKind(c)));
  const blocked = input.guard?.blocked.length ?? 0;
  const icon = blocked > 0 ? "⛔" : destructive.length > 0 ? "⚠️" : "✅";
  const head = [
    commentMarker(stack),
    `### ${icon} Terraform plan for \`${stack}\``,
    "",
    ...(input.context ? [input.context, ""] : []),
    `**${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy**${counts.replace > 0 ? ` (${counts.replace} replaced)` : ""}${counts.import > 0 ? `, ${counts.import} to import` : ""}${counts.forget > 0 ? `, ${counts.forget} to forget` : ""}`,
    "",
  ];
  if (destructive.length > 0) {
    head.push("| action | resource | stateful | why |", "| --- | --- | --- | --- |");
    for (const c of destructive)
      head.push(
        `| ${changeKind(c)} | \`${c.address}\` | ${isStateful(c.type) ? "**yes**" : "no"} | ${escapeCell(replaceReason(c) ?? "")} |`,
      );
    head.push("");
  } else if (counts.add + counts.change > 0) head.push("Nothing is replaced or destroyed.", "");
  else head.push("No changes: the environment matches the code.", "");
  if (input.guard) {
    head.push(
      blocked > 0
        ? "**Guard: blocked.** This plan destroys, replaces or disarms data-bearing resources (see docs/delivery.md):"
        : "Guard: ok.",
    );
    const guardLines = formatGuard(input.guard, stack).filter(
      (l) => l.startsWith("BLOCKED") || l.startsWith("allowed"),
    );
    if (guardLines.length > 0) head.push("", "```text", ...guardLines, "```");
    head.push("");
  }
  const top = head.join("\n");
  if (input.planText === undefined) return top;
  const open = "<details><summary>Full plan</summary>\n\n```text\n";
  const close = "\n```\n\n</details>\n";
  const room = limit - top.length - open.length - close.length - 200;
  let text = input.planText.replace(/```/g, "ʼʼʼ").trimEnd();
  if (text.length > room)
    text = `${text.slice(0, Math.max(room, 0))}\n\n… truncated: the full plan is in the run's plan-${stack} artifact.`;
  return `${top}\n${open}${text}${close}`;
}

function managed(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? []).filter((c) => c.mode === "managed");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
