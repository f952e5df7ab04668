/**
 * The parts of `terraform show -json <planfile>` the guard and the PR summary read. Format 1.x of Terraform's JSON
 * output: https://developer.hashicorp.com/terraform/internals/json-format
 */
export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    /** Attribute paths whose change forces the replacement, e.g. `[["bucket"]]`. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    readonly importing?: unknown;
    /** The object's attributes before and after the change (null for a create or a delete), where the plan has them. */
    readonly before?: Readonly<Record<string, unknown>> | null;
    readonly after?: Readonly<Record<string, unknown>> | null;
  };
  /** e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly PlanAction[] }>>;
  readonly errored?: boolean;
}

/** What a resource change does, in the words of Terraform's plan output. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "forget" | "import";

export function changeKind(change: ResourceChange): ChangeKind {
  const actions = change.change.actions;
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  if (actions.includes("forget")) return "forget";
  if (change.change.importing !== undefined) return "import";
  return "no-op";
}

/** True for a change that ends the life of the existing remote object: a delete, or a replace. */
export function destroysObject(change: ResourceChange): boolean {
  const kind = changeKind(change);
  return change.mode === "managed" && (kind === "delete" || kind === "replace");
}

export class PlanError extends Error {}

/** Parses and sanity-checks plan JSON; a file that is not a Terraform plan fails with what it is missing. */
export function parsePlan(text: string, source = "plan"): PlanJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new PlanError(`${source}: not a JSON object`);
  const plan = raw as Record<string, unknown>;
  if (typeof plan["format_version"] !== "string")
    throw new PlanError(
      `${source}: no format_version; is this the output of \`terraform show -json <planfile>\`?`,
    );
  if (!String(plan["format_version"]).startsWith("1."))
    throw new PlanError(`${source}: plan JSON format ${plan["format_version"]} is not supported (want 1.x)`);
  if (plan["resource_changes"] !== undefined && !Array.isArray(plan["resource_changes"]))
    throw new PlanError(`${source}: resource_changes is not a list`);
  return raw as PlanJson;
}

/** "replace because bucket changed" from `replace_paths`, or the action reason Terraform gives. */
export function replaceReason(change: ResourceChange): string | undefined {
  const paths = change.change.replace_paths ?? [];
  if (paths.length > 0) {
    const names = paths.map((p) => p.map((s) => (typeof s === "number" ? `[${s}]` : s)).join("."));
    return `${names.join(", ")} cannot be changed in place`;
  }
  const reasons: Record<string, string> = {
    replace_because_tainted: "the object is tainted",
    replace_because_cannot_update: "an attribute cannot be changed in place",
    replace_by_request: "replacement was requested (-replace)",
    replace_by_triggers: "replace_triggered_by fired",
    delete_because_no_resource_config: "its construct is no longer in the stack (removed or renamed)",
    delete_because_wrong_repetition: "count/for_each changed",
    delete_because_count_index: "count shrank",
    delete_because_each_key: "for_each lost its key",
    delete_because_no_module: "its module was removed",
    delete_because_no_move_target: "a moved block has no target",
  };
  return change.action_reason ? (reasons[change.action_reason] ?? change.action_reason) : undefined;
}
