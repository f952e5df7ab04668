import { type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { type GlueClient, StartCrawlerCommand } from "@aws-sdk/client-glue";
import {
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  type LakeConfig,
} from "../config/index.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { markDatesRawChanged } from "../core/run-ledger.js";
import { environmentAndOutputs, stringOutput, type TerraformOutputs } from "../terraform/outputs.js";

/**
 * `make curated/redo ENV=… PIPELINE=… DATES=… | FROM=… TO=…`: transform curated ingest dates again, e.g. after a
 * pipeline's transform SQL changed. It records a raw change on each date's run-ledger item, exactly as drop-to-raw
 * does for a corrected file (src/core/run-ledger.ts), and starts the raw crawler: when that crawl finishes,
 * the orchestrator claims the dates again, deletes their curated files and runs the transform. Nothing is deleted
 * here, and a date no run has transformed yet is only reported (the next raw crawl transforms it anyway).
 */

type Print = (line: string) => void;

export const REDO_OUTPUTS = {
  runsTable: "analytics_runs_table_name",
  rawCrawler: "raw_crawler_name",
} as const;

/** At most this many dates at once: a year (the orchestrator transforms `MAX_DATES_PER_RUN` per crawl, oldest first). */
export const MAX_REDO_DATES = 366;

export const CURATED_REDO_USAGE =
  "usage: node --import tsx src/cli/curated-redo.ts ENV PIPELINE (DATE… | --from DATE --to DATE) [--no-crawl]\n" +
  `  ENV one of ${ENVIRONMENT_NAMES.join(", ")}; DATE is YYYY-MM-DD, before today (UTC); at most ${MAX_REDO_DATES} dates.` +
  " --no-crawl: leave the dates to the next scheduled raw crawl. Exit 0: recorded; 1: nothing to redo; 2: usage," +
  " config or Terraform.";

export interface RedoArgs {
  readonly env: EnvironmentName;
  readonly pipeline: string;
  readonly dates: readonly string[];
  readonly crawl: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day: `2026-02-30` and `2026-13-01` are not. */
const isDate = (value: string) => {
  if (!DATE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
};

/** The command line, or every problem with it in one message. */
export function parseRedoArgs(argv: readonly string[], today: string): RedoArgs | string {
  const problems: string[] = [];
  const positional: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  let crawl = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--from") from = argv[++i] ?? "";
    else if (arg === "--to") to = argv[++i] ?? "";
    else if (arg === "--no-crawl") crawl = false;
    else if (arg.startsWith("--")) problems.push(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [env, pipeline, ...listed] = positional;
  if (!ENVIRONMENT_NAMES.includes(env as EnvironmentName))
    problems.push(`ENV must be one of ${ENVIRONMENT_NAMES.join(", ")}, got "${env ?? ""}"`);
  if (pipeline === undefined || pipeline === "") problems.push("PIPELINE is missing");
  let dates: string[] = [];
  if ((from !== undefined || to !== undefined) && listed.length > 0)
    problems.push("give dates, or --from and --to, not both");
  else if (from !== undefined || to !== undefined) {
    if (from === undefined || !isDate(from))
      problems.push(`--from must be a date (YYYY-MM-DD), got "${from ?? ""}"`);
    if (to === undefined || !isDate(to)) problems.push(`--to must be a date (YYYY-MM-DD), got "${to ?? ""}"`);
    if (from !== undefined && to !== undefined && isDate(from) && isDate(to)) {
      if (from > to) problems.push(`--from ${from} is after --to ${to}`);
      else dates = datesBetween(from, to, MAX_REDO_DATES + 1);
    }
  } else if (listed.length === 0) problems.push("no dates: give DATE…, or --from and --to");
  else {
    for (const d of listed) if (!isDate(d)) problems.push(`"${d}" is not a date (YYYY-MM-DD)`);
    dates = [...new Set(listed.filter(isDate))].sort();
  }
  const notComplete = dates.filter((d) => d >= today);
  if (notComplete.length > 0)
    problems.push(
      `${notComplete[0]}${notComplete.length > 1 ? ` (and ${notComplete.length - 1} more)` : ""} is not a complete day yet: the curated stage transforms dates before today (${today}, UTC)`,
    );
  if (dates.length > MAX_REDO_DATES)
    problems.push(`more than ${MAX_REDO_DATES} dates: redo a year at a time`);
  if (problems.length > 0) return `${problems.join("; ")}\n${CURATED_REDO_USAGE}`;
  return { env: env as EnvironmentName, pipeline: pipeline as string, dates, crawl };
}

function datesBetween(from: string, to: string, limit: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < limit; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > to) break;
    out.push(d);
  }
  return out;
}

export interface RedoResult {
  /** Dates a run had transformed: recorded, the next raw crawl transforms them again. */
  readonly reopened: readonly string[];
  /** Dates with no run-ledger item: not transformed yet (or with no raw data), nothing to redo. */
  readonly notTransformed: readonly string[];
  readonly crawler: "started" | "already running" | "not started";
}

/** Records the dates' raw change and, unless told not to, starts the raw crawler. */
export async function redoCurated(
  request: { readonly pipeline: string; readonly dates: readonly string[]; readonly crawl: boolean },
  target: { readonly runsTable: string; readonly rawCrawler: string },
  deps: {
    readonly dynamo: Pick<DynamoDBClient, "send">;
    readonly glue: Pick<GlueClient, "send">;
    readonly clock: () => Date;
    /** Who asked, recorded as `raw_changed_by`. */
    readonly by: string;
  },
): Promise<RedoResult> {
  const reopened = await markDatesRawChanged(
    (input) => deps.dynamo.send(new UpdateItemCommand(input)),
    target.runsTable,
    { pipeline: request.pipeline, dates: request.dates, at: deps.clock(), by: deps.by },
  );
  const notTransformed = request.dates.filter((d) => !reopened.includes(d));
  let crawler: RedoResult["crawler"] = "not started";
  if (request.crawl && reopened.length > 0)
    try {
      await deps.glue.send(new StartCrawlerCommand({ Name: target.rawCrawler }));
      crawler = "started";
    } catch (error) {
      if ((error as Error).name !== "CrawlerRunningException") throw error;
      crawler = "already running";
    }
  return { reopened, notTransformed, crawler };
}

export interface CuratedRedoDeps {
  readonly config: () => LakeConfig;
  readonly pipelines: () => Promise<readonly PipelineDeclaration[]>;
  readonly readOutputs: (env: EnvironmentName) => Promise<TerraformOutputs>;
  readonly clients: (env: EnvironmentConfig) => {
    readonly dynamo: Pick<DynamoDBClient, "send">;
    readonly glue: Pick<GlueClient, "send">;
  };
  readonly clock: () => Date;
  /** Who runs it (the OS user), for `raw_changed_by`. */
  readonly user: string;
  readonly print: Print;
  readonly printError: Print;
}

/** Exit 0: recorded; 1: nothing to redo (no date was transformed yet); 2: usage, config, pipeline or Terraform. */
export async function curatedRedoCommand(argv: readonly string[], deps: CuratedRedoDeps): Promise<number> {
  const args = parseRedoArgs(argv, deps.clock().toISOString().slice(0, 10));
  if (typeof args === "string") {
    deps.printError(args);
    return 2;
  }
  const pipelines = await deps.pipelines();
  const pipeline = pipelines.find((p) => p.name === args.pipeline);
  if (pipeline === undefined) {
    deps.printError(
      `no pipeline "${args.pipeline}": declared are ${pipelines.map((p) => p.name).join(", ")} (src/pipelines/definitions)`,
    );
    return 2;
  }
  if ((pipeline.transform.engine ?? "athena") !== "athena") {
    deps.printError(
      `${pipeline.name} runs on engine ${pipeline.transform.engine}: its Glue job's bookmarks decide what it reads, and it appends; to redo dates, delete their files under the curated table's ingest_date= partitions and reset the job's bookmark (aws glue reset-job-bookmark)`,
    );
    return 2;
  }
  const found = await environmentAndOutputs(args.env, deps);
  if ("exit" in found) return found.exit;
  const { env, outputs } = found;
  const value = (name: string) => stringOutput(outputs, name);
  const runsTable = value(REDO_OUTPUTS.runsTable);
  const rawCrawler = value(REDO_OUTPUTS.rawCrawler);
  if (runsTable === undefined || rawCrawler === undefined) {
    deps.printError(
      `ENV=${env.name}'s applied stack lacks the outputs ${REDO_OUTPUTS.runsTable} and ${REDO_OUTPUTS.rawCrawler}: apply the current stack first (make tf/plan ENV=${env.name}, then make tf/apply ENV=${env.name}).`,
    );
    return 2;
  }
  const local = env.endpoint !== undefined;
  const result = await redoCurated(
    { pipeline: pipeline.name, dates: args.dates, crawl: args.crawl },
    { runsTable, rawCrawler },
    { ...deps.clients(env), clock: deps.clock, by: `curated/redo by ${deps.user}` },
  );
  const list = (dates: readonly string[]) =>
    dates.length <= 6 ? dates.join(", ") : `${dates.slice(0, 3).join(", ")} … ${dates.slice(-2).join(", ")}`;
  if (result.notTransformed.length > 0)
    deps.print(
      `not transformed yet, nothing to redo (${result.notTransformed.length}): ${list(result.notTransformed)}; the next raw crawl transforms any of them that has raw data`,
    );
  if (result.reopened.length === 0) {
    deps.printError(`ENV=${env.name}: no date of ${pipeline.name} was transformed yet; nothing recorded`);
    return 1;
  }
  deps.print(
    `ENV=${env.name}: ${result.reopened.length} date(s) of ${pipeline.name} recorded for a new transform: ${list(result.reopened)}`,
  );
  const next = local
    ? "the next `make local` (or `node dist/cli.cjs local run`) runs that crawl and transforms them again"
    : "when it finishes, the orchestrator deletes the dates' curated files and runs the transform (at most MAX_DATES_PER_RUN dates a run, oldest first)";
  deps.print(
    result.crawler === "started"
      ? `raw crawler ${rawCrawler} started: ${next}`
      : result.crawler === "already running"
        ? `raw crawler ${rawCrawler} is already running: ${next}`
        : local
          ? "the next `make local` with a raw crawl to run transforms them again"
          : "the next scheduled raw crawl transforms them again",
  );
  return 0;
}
