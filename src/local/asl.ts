/**
 * A small Amazon States Language interpreter: enough of Step Functions to walk the curated stage's definition
 * locally, where moto stores state machines but never runs them. Task resources are handled by injected functions
 * (the stand-ins), so the walk itself — paths, parameters, Map, Retry/Catch, Succeed/Fail — is pure and tested.
 * Supported: Task, Map (inline), Pass, Succeed, Fail; InputPath/Parameters/ItemSelector/ResultSelector/ResultPath;
 * `$.`/`$$.` paths; the intrinsics States.Format and States.JsonToString. Anything else throws, naming it.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type TaskHandler = (parameters: Json, context: { readonly state: string }) => Promise<Json>;

export interface Walk {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly output?: Json;
  readonly error?: { readonly Error: string; readonly Cause: string };
  /** Every state entered, in order: what the summary shows. */
  readonly trace: readonly string[];
}

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Json;
  ItemSelector?: Json;
  ItemsPath?: string;
  ItemProcessor?: Machine;
  Iterator?: Machine;
  ResultSelector?: Json;
  ResultPath?: string | null;
  InputPath?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; ResultPath?: string | null; Next: string }[];
  Error?: string;
  Cause?: string;
  Result?: Json;
}

interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.error = error;
    this.cause = cause;
  }
}

export async function walk(
  definition: Machine | Record<string, unknown>,
  input: Json,
  tasks: Readonly<Record<string, TaskHandler>>,
  now: () => Date = () => new Date(),
): Promise<Walk> {
  const trace: string[] = [];
  try {
    const output = await run(definition as Machine, input, { tasks, trace, now, mapItem: undefined });
    return { status: "SUCCEEDED", output, trace };
  } catch (error) {
    if (error instanceof StatesError)
      return { status: "FAILED", error: { Error: error.error, Cause: error.cause }, trace };
    throw error;
  }
}

interface Env {
  readonly tasks: Readonly<Record<string, TaskHandler>>;
  readonly trace: string[];
  readonly now: () => Date;
  readonly mapItem: { Value: Json; Index: number } | undefined;
}

async function run(machine: Machine, input: Json, env: Env): Promise<Json> {
  let name: string | undefined = machine.StartAt;
  let data = input;
  while (name !== undefined) {
    const state: State | undefined = machine.States[name];
    if (!state) throw new Error(`ASL: no state "${name}"`);
    env.trace.push(name);
    const context = {
      State: { Name: name, EnteredTime: env.now().toISOString() },
      Map: env.mapItem ? { Item: env.mapItem } : undefined,
    };
    switch (state.Type) {
      case "Succeed":
        return data;
      case "Fail":
        throw new StatesError(state.Error ?? "States.Fail", state.Cause ?? "");
      case "Pass": {
        data = applyResult(data, state.Result ?? data, state.ResultPath);
        break;
      }
      case "Task":
      case "Map": {
        try {
          const effective = state.InputPath ? select(data, state.InputPath, context) : data;
          const result =
            state.Type === "Task"
              ? await task(state, effective, context, env)
              : await map(state, effective, context, env);
          const shaped = state.ResultSelector ? resolve(state.ResultSelector, result, context) : result;
          data = applyResult(data, shaped, state.ResultPath);
        } catch (error) {
          const failure =
            error instanceof StatesError
              ? error
              : new StatesError("States.TaskFailed", String((error as Error).message));
          const handler: { ResultPath?: string | null; Next: string } | undefined = state.Catch?.find((c) =>
            c.ErrorEquals.some((e) => e === "States.ALL" || e === failure.error),
          );
          if (!handler) throw failure;
          data = applyResult(data, { Error: failure.error, Cause: failure.cause }, handler.ResultPath);
          name = handler.Next;
          continue;
        }
        break;
      }
      default:
        throw new Error(`ASL: state type ${state.Type} (${name}) is not supported by the local runner`);
    }
    name = state.End ? undefined : state.Next;
  }
  return data;
}

async function task(state: State, input: Json, context: object, env: Env): Promise<Json> {
  const resource = state.Resource ?? "";
  const handler = env.tasks[resource];
  if (!handler) throw new Error(`ASL: no local stand-in for ${resource}`);
  const parameters = state.Parameters === undefined ? input : resolve(state.Parameters, input, context);
  const attempts = 1 + Math.max(0, ...(state.Retry ?? []).map((r) => r.MaxAttempts ?? 3));
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await handler(parameters, { state: resource });
    } catch (error) {
      last = error;
      const name = error instanceof StatesError ? error.error : "States.TaskFailed";
      if (
        !(state.Retry ?? []).some((r) => r.ErrorEquals.includes(name) || r.ErrorEquals.includes("States.ALL"))
      )
        break;
    }
  }
  throw last;
}

async function map(state: State, input: Json, context: object, env: Env): Promise<Json> {
  const items = select(input, state.ItemsPath ?? "$", context);
  if (!Array.isArray(items))
    throw new StatesError("States.Runtime", `ItemsPath ${state.ItemsPath} is not an array`);
  const processor = state.ItemProcessor ?? state.Iterator;
  if (!processor) throw new Error("ASL: Map without ItemProcessor");
  const results: Json[] = [];
  for (const [index, value] of items.entries()) {
    const itemEnv = { ...env, mapItem: { Value: value, Index: index } };
    const itemContext = { ...context, Map: { Item: { Value: value, Index: index } } };
    const itemInput = state.ItemSelector ? resolve(state.ItemSelector, input, itemContext) : value;
    results.push(await run(processor, itemInput, itemEnv));
  }
  return results;
}

/** Parameters: keys ending in `.$` are paths or intrinsics, evaluated; the rest are copied. */
export function resolve(template: Json, input: Json, context: object): Json {
  if (Array.isArray(template)) return template.map((t) => resolve(t, input, context));
  if (template === null || typeof template !== "object") return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$") && typeof value === "string")
      out[key.slice(0, -2)] = evaluate(value, input, context);
    else out[key] = resolve(value, input, context);
  }
  return out;
}

function evaluate(expression: string, input: Json, context: object): Json {
  const call = /^(States\.\w+)\((.*)\)$/s.exec(expression.trim());
  if (!call) return select(input, expression, context);
  const args = splitArguments(call[2] ?? "").map((a) => argument(a, input, context));
  switch (call[1]) {
    case "States.Format": {
      const [template, ...values] = args;
      let next = 0;
      return String(template).replace(/\\([\\'{}])|\{\}/g, (_, escaped: string | undefined) =>
        escaped !== undefined ? escaped : stringOf(values[next++] ?? null),
      );
    }
    case "States.JsonToString":
      return JSON.stringify(args[0] ?? null);
    default:
      throw new Error(`ASL: intrinsic ${call[1]} is not supported by the local runner`);
  }
}

function argument(text: string, input: Json, context: object): Json {
  const t = text.trim();
  if (t.startsWith("'")) return t.slice(1, -1);
  if (t.startsWith("$")) return select(input, t, context);
  if (t.startsWith("States.")) return evaluate(t, input, context);
  return JSON.parse(t) as Json;
}

/** Splits `'a, b', $.x, States.F(…)` at top-level commas, honouring quotes (with \\ escapes) and parentheses. */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === "\\") {
      current += c + (text[++i] ?? "");
      continue;
    }
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (!quoted && depth === 0 && c === ",") {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}

/** `$`, `$.a.b`, `$$.Map.Item.Value`, `$$.State.EnteredTime`. */
export function select(input: Json, path: string, context: object): Json {
  const fromContext = path.startsWith("$$");
  const root = (fromContext ? (context as Json) : input) as Json;
  const keys = path
    .replace(/^\$\$?\.?/, "")
    .split(".")
    .filter((k) => k !== "");
  let value: Json | undefined = root;
  for (const key of keys)
    value = value !== null && typeof value === "object" && !Array.isArray(value) ? value[key] : undefined;
  if (value === undefined) throw new StatesError("States.Runtime", `the path ${path} matches nothing`);
  return value;
}

function applyResult(data: Json, result: Json, resultPath: string | null | undefined): Json {
  if (resultPath === null) return data;
  if (resultPath === undefined || resultPath === "$") return result;
  const keys = resultPath.replace(/^\$\.?/, "").split(".");
  const copy = structuredClone(data) as Record<string, Json>;
  let node: Record<string, Json> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === "object" && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, Json>;
  }
  node[keys.at(-1) as string] = result;
  return copy;
}

function stringOf(value: Json): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
