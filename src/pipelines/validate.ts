import { inferTransformColumns } from "../sql/infer.js";
import { SqlError } from "../sql/parser.js";
import { COLUMN_TYPES, type PipelineDeclaration } from "./types.js";

const NAME = /^[a-z][a-z0-9_]{1,40}$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;
/** Names the lake adds itself: a declared column with one of these names would clash. */
const RESERVED_COLUMNS = ["ingest_date", "_source_key", "_source_line"];

/** Every problem with one declaration, each naming the pipeline and the field. Empty when valid. */
export function pipelineProblems(p: PipelineDeclaration): string[] {
  const problems: string[] = [];
  const at = (field: string, message: string) => problems.push(`pipeline "${p.name}": ${field}: ${message}`);
  if (!NAME.test(p.name)) at("name", `"${p.name}" must be lower-case snake_case, 2-41 characters`);
  if (!p.description?.trim()) at("description", "missing");

  const source = p.source;
  if (source.kind === "http") {
    if (!/^https?:\/\/\S+$/.test(source.url)) at("source.url", `"${source.url}" is not an http(s) URL`);
    if (!SCHEDULE.test(source.schedule))
      at("source.schedule", `"${source.schedule}" is not rate(N unit) or cron(...)`);
  } else if (source.kind === "stream") {
    const seconds = source.bufferSeconds;
    if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 0 && seconds <= 900))
      at("source.bufferSeconds", "must be a whole number 0-900");
    const mb = source.bufferMegabytes;
    if (mb !== undefined && !(Number.isInteger(mb) && mb >= 1 && mb <= 128))
      at("source.bufferMegabytes", "must be a whole number 1-128");
    // Firehose joins records end to end: a JSON array or a CSV header per record would break every file.
    if (p.format.type === "json")
      at("format.type", 'a stream delivers records joined end to end: use "ndjson"');
    if (p.format.type === "csv" && (p.format.header ?? true))
      at("format.header", "a stream's CSV records carry no header: set header: false");
  } else if (source.kind !== "push")
    at("source.kind", `"${(source as { kind: string }).kind}" is not http, push or stream`);

  if (!["csv", "json", "ndjson"].includes(p.format.type))
    at("format.type", `"${p.format.type}" is not csv, json or ndjson`);
  if (p.format.type !== "csv" && (p.format.delimiter !== undefined || p.format.header !== undefined))
    at("format", "delimiter and header apply to csv only");
  if (p.format.delimiter !== undefined && p.format.delimiter.length !== 1)
    at("format.delimiter", `"${p.format.delimiter}" must be one character`);

  if (p.schema.length === 0) at("schema", "declares no columns");
  const seen = new Set<string>();
  for (const [i, column] of p.schema.entries()) {
    if (!NAME.test(column.name)) at(`schema[${i}].name`, `"${column.name}" must be lower-case snake_case`);
    if (RESERVED_COLUMNS.includes(column.name))
      at(`schema[${i}].name`, `"${column.name}" is reserved by the lake`);
    if (seen.has(column.name)) at(`schema[${i}].name`, `"${column.name}" is declared twice`);
    seen.add(column.name);
    if (!COLUMN_TYPES.includes(column.type))
      at(`schema[${i}].type`, `"${column.type}" is not one of ${COLUMN_TYPES.join(", ")}`);
  }
  for (const key of p.partitionKeys)
    if (!seen.has(key)) at("partitionKeys", `"${key}" is not a declared column`);
  if (!/\bselect\b/i.test(p.transform.sql) || !p.transform.sql.includes("{{raw}}"))
    at("transform.sql", "must be a SELECT that reads from {{raw}}");
  // Parsed here, not first while the stack is built, so bad SQL is a declaration problem (line, column, pipeline).
  else if (problems.length === 0)
    try {
      inferTransformColumns(p);
    } catch (error) {
      if (!(error instanceof SqlError)) throw error;
      problems.push(error.message);
    }
  if (p.transform.engine !== undefined && !["athena", "glue"].includes(p.transform.engine))
    at("transform.engine", `"${p.transform.engine}" is not athena or glue`);
  const days = p.dropRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    at("dropRetentionDays", "must be a whole number >= 1");
  return problems;
}

export class PipelineError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid pipeline declaration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PipelineError";
  }
}

/** Validates every declaration and that names are unique; throws once with every problem. */
export function validatePipelines(pipelines: readonly PipelineDeclaration[]): readonly PipelineDeclaration[] {
  const problems = pipelines.flatMap(pipelineProblems);
  const names = new Set<string>();
  for (const p of pipelines) {
    if (names.has(p.name)) problems.push(`pipeline "${p.name}": name: declared twice`);
    names.add(p.name);
  }
  if (pipelines.length === 0) problems.push("no pipelines are declared in src/pipelines/definitions/");
  if (problems.length > 0) throw new PipelineError(problems);
  return [...pipelines].sort((a, b) => a.name.localeCompare(b.name));
}
