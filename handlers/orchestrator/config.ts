import type { DeclaredTables, GlueColumn } from "../../src/core/layout.js";
import { PIPELINE_NAME } from "../../src/core/naming.js";
import { isObject, Problems } from "./validate.js";

/**
 * The orchestrator's configuration, validated by hand as the other handlers do (no schema library: zod reached the
 * bundle only through cdktf-cli, a dev dependency, and was a tenth of the zip).
 */

export type Zone = "drop" | "raw" | "curated";
const ZONES: readonly Zone[] = ["drop", "raw", "curated"];

export type Transform =
  | { readonly kind: "state-machine"; readonly arn: string }
  | { readonly kind: "glue-job"; readonly name: string };

export interface OrchestratorConfig {
  readonly crawlers: Readonly<Record<Zone, string>>;
  readonly databases: Readonly<Record<Zone, string>>;
  readonly rawBucket: string;
  /** Where the transforms write: a date's files are deleted before it is transformed (again). */
  readonly curatedBucket: string;
  readonly ledgerTable: string;
  readonly alertsTopicArn: string;
  /** Per pipeline: what transforms raw into curated. A pipeline with none (local: no state machines) is skipped. */
  readonly transforms: Readonly<Record<string, Transform>>;
  /** Ingest dates one run transforms at most (the oldest first). */
  readonly maxDatesPerRun: number;
  /** A claim older than this whose run never finished is claimed again. */
  readonly staleClaimSeconds: number;
}

function json(name: string, env: NodeJS.ProcessEnv, problems: Problems): unknown {
  const value = env[name];
  if (value === undefined || value === "") return problems.add(name, "is not set");
  try {
    return JSON.parse(value);
  } catch {
    return problems.add(name, "is not JSON");
  }
}

function zones(name: string, value: unknown, problems: Problems): Record<Zone, string> {
  if (value === undefined) return { drop: "", raw: "", curated: "" };
  if (!isObject(value)) {
    problems.add(name, "must be an object of drop, raw and curated");
    return { drop: "", raw: "", curated: "" };
  }
  const [drop, raw, curated] = ZONES.map((z) => problems.text(`${name}.${z}`, value[z]));
  return { drop: drop ?? "", raw: raw ?? "", curated: curated ?? "" };
}

/**
 * TRANSFORMS, compact so that 50 pipelines fit in Lambda's 4 KB of environment: pipeline -> `s:<name>` (a state
 * machine) or `g:<name>` (a Glue job), each name without TRANSFORM_NAME_PREFIX, which all of them share; a state
 * machine's ARN is STATE_MACHINE_ARN_PREFIX (`arn:<partition>:states:<region>:<account>:stateMachine:`) + its name.
 */
function transforms(env: NodeJS.ProcessEnv, problems: Problems): Record<string, Transform> {
  const value = json("TRANSFORMS", env, problems);
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.add(
      "TRANSFORMS",
      'must be an object of pipeline -> "s:<state machine name>" or "g:<Glue job name>"',
    );
    return {};
  }
  const namePrefix = problems.optionalText("TRANSFORM_NAME_PREFIX", env.TRANSFORM_NAME_PREFIX) ?? "";
  const arnPrefix = env.STATE_MACHINE_ARN_PREFIX ?? "";
  const out: Record<string, Transform> = {};
  const machines: string[] = [];
  for (const [pipeline, t] of Object.entries(value)) {
    const match = typeof t === "string" ? /^([sg]):(.*)$/.exec(t) : null;
    const name = `${namePrefix}${match?.[2] ?? ""}`;
    if (!match || name === "")
      problems.add(
        `TRANSFORMS.${pipeline}`,
        `must be "s:<state machine name>" or "g:<Glue job name>" (the name after TRANSFORM_NAME_PREFIX), got ${JSON.stringify(t)}`,
      );
    else if (match[1] === "g") out[pipeline] = { kind: "glue-job", name };
    else {
      out[pipeline] = { kind: "state-machine", arn: `${arnPrefix}${name}` };
      machines.push(pipeline);
    }
  }
  if (machines.length > 0 && !/^arn:[^:]+:states:[^:]+:\d{12}:stateMachine:$/.test(arnPrefix))
    problems.add(
      "STATE_MACHINE_ARN_PREFIX",
      `must be "arn:<partition>:states:<region>:<account>:stateMachine:" (the state machines of ${machines.join(", ")}), got ${JSON.stringify(arnPrefix)}`,
    );
  return out;
}

function wholeNumber(name: string, raw: string, problems: Problems, min: number, max?: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max))
    problems.add(
      name,
      `"${raw}" must be a whole number ${max === undefined ? `>= ${min}` : `${min}-${max}`}`,
    );
  return n;
}

/**
 * Reads and validates the environment TracedFunction was given by CrawlerChain; throws naming every bad variable
 * (`orchestrator configuration: RAW_BUCKET: must be a non-empty string; ...`).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  const problems = new Problems();
  const config: OrchestratorConfig = {
    crawlers: zones("CRAWLERS", json("CRAWLERS", env, problems), problems),
    databases: zones("DATABASES", json("DATABASES", env, problems), problems),
    rawBucket: problems.text("RAW_BUCKET", env.RAW_BUCKET),
    curatedBucket: problems.text("CURATED_BUCKET", env.CURATED_BUCKET),
    ledgerTable: problems.text("LEDGER_TABLE", env.LEDGER_TABLE),
    alertsTopicArn: problems.text("ALERTS_TOPIC_ARN", env.ALERTS_TOPIC_ARN),
    transforms: transforms(env, problems),
    maxDatesPerRun: wholeNumber("MAX_DATES_PER_RUN", env.MAX_DATES_PER_RUN ?? "31", problems, 1, 100),
    staleClaimSeconds: wholeNumber("STALE_CLAIM_SECONDS", env.STALE_CLAIM_SECONDS ?? "21600", problems, 60),
  };
  problems.throwIfAny("orchestrator configuration");
  return config;
}

function glueColumns(field: string, value: unknown, problems: Problems): GlueColumn[] {
  if (!Array.isArray(value)) {
    problems.add(field, "must be a list of columns");
    return [];
  }
  return value.map((c: unknown, i) =>
    isObject(c)
      ? {
          name: problems.text(`${field}.${i}.name`, c.name),
          type: problems.text(`${field}.${i}.type`, c.type),
        }
      : { name: problems.text(`${field}.${i}`, undefined), type: "" },
  );
}

/**
 * Validates the declared tables handlers/build.ts baked into the bundle (declared-tables.ts); throws naming every
 * bad field, or saying the handler was not bundled by handlers/build.ts.
 */
export function declaredTablesFrom(value: unknown): DeclaredTables {
  if (value === undefined)
    throw new Error(
      "orchestrator: no declared tables in this module: the Lambda runs the bundle handlers/build.ts writes (make handlers), which bakes them in",
    );
  const problems = new Problems();
  const out: Record<string, { raw: GlueColumn[]; curated: GlueColumn[] }> = {};
  if (!isObject(value)) problems.add("tables", "must be an object of pipeline -> { raw, curated }");
  else
    for (const [pipeline, t] of Object.entries(value)) {
      if (!PIPELINE_NAME.test(pipeline)) problems.add(pipeline, "is not a pipeline name");
      else if (!isObject(t)) problems.add(pipeline, "must be { raw, curated }");
      else
        out[pipeline] = {
          raw: glueColumns(`${pipeline}.raw`, t.raw, problems),
          curated: glueColumns(`${pipeline}.curated`, t.curated, problems),
        };
    }
  problems.throwIfAny("orchestrator declared tables");
  return out;
}
