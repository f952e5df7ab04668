/**
 * The checks of one pipeline declaration that the handlers share with the app (src/pipelines/validate.ts adds the
 * transform's SQL, which needs the SQL parser, a dev dependency that must not reach a Lambda bundle).
 */
import { PIPELINE_NAME } from "./naming.js";
import { COLUMN_TYPES, type Column, type PipelineDeclaration } from "./pipeline.js";

/** A lake column: Glue and Athena take lower-case names of letters, digits and _; one letter is enough. */
const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;
const COLUMN_NAME_MAX = 41;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;
/** Names the lake adds itself: a declared column with one of these names would clash. */
const RESERVED_COLUMNS = ["ingest_date", "_source_key", "_source_line"];

/**
 * Every problem with one declaration but its transform's SQL, each naming the pipeline and the field. Empty when
 * valid. Handlers check their declarations with this at init; it needs no SQL parser, so none ships in a Lambda.
 */
export function declarationProblems(p: PipelineDeclaration): string[] {
  const problems: string[] = [];
  const at = (field: string, message: string) => problems.push(`pipeline "${p.name}": ${field}: ${message}`);
  if (!PIPELINE_NAME.test(p.name)) at("name", `"${p.name}" must be lower-case snake_case, 2-41 characters`);
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
  if (
    p.format.type !== "csv" &&
    (p.format.delimiter !== undefined || p.format.header !== undefined || p.format.skipLines !== undefined)
  )
    at("format", "delimiter, header and skipLines apply to csv only");
  const skip = p.format.skipLines;
  if (skip !== undefined && !(Number.isInteger(skip) && skip >= 0))
    at("format.skipLines", `${skip} must be a whole number >= 0`);
  if (source.kind === "stream" && skip !== undefined && skip > 0)
    at(
      "format.skipLines",
      "a stream's files are its records joined end to end: skipping lines would drop records",
    );
  if (p.format.delimiter !== undefined && p.format.delimiter.length !== 1)
    at("format.delimiter", `"${p.format.delimiter}" must be one character`);

  if (p.schema.length === 0) at("schema", "declares no columns");
  const seen = new Set<string>();
  const positional = p.format.type === "csv" && p.format.header === false;
  for (const [i, column] of p.schema.entries()) {
    if (!COLUMN_NAME.test(column.name))
      at(
        `schema[${i}].name`,
        `"${column.name}" is not a lake column name (lower-case snake_case: a-z, 0-9 and _, starting with a letter); ` +
          `to read a source field named so, declare { name: "${snakeCase(column.name, i)}", from: "${column.name}" }`,
      );
    else if (column.name.length > COLUMN_NAME_MAX)
      at(
        `schema[${i}].name`,
        `"${column.name}" has ${column.name.length} characters, at most ${COLUMN_NAME_MAX}: shorten it (from: keeps reading the source field's name)`,
      );
    for (const problem of columnSourceProblems(p, i, positional)) at(problem.field, problem.message);
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
  if (p.transform.engine !== undefined && !["athena", "glue"].includes(p.transform.engine))
    at("transform.engine", `"${p.transform.engine}" is not athena or glue`);
  const days = p.dropRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    at("dropRetentionDays", "must be a whole number >= 1");
  return problems;
}

/** Problems with where column `i` is read from: `from`, `mayBeAbsent`. */
function columnSourceProblems(
  p: PipelineDeclaration,
  i: number,
  positional: boolean,
): { field: string; message: string }[] {
  const column = p.schema[i] as Column;
  const problems: { field: string; message: string }[] = [];
  const at = (field: string, message: string) =>
    problems.push({ field: `schema[${i}].${field}`, message: `column "${column.name}": ${message}` });
  const from = column.from;
  if (from !== undefined) {
    if (typeof from !== "string" || from === "")
      at("from", `must be the source field's name, not ${JSON.stringify(from)}`);
    else if (positional)
      at(
        "from",
        `"${from}": a header: false file's columns are taken by position, so there is no field name to match: remove from, or set header: true`,
      );
    else if (p.format.type === "csv" && from.trim() !== from)
      at("from", `"${from}": CSV header fields are compared trimmed: write from: "${from.trim()}"`);
    const twin = p.schema.findIndex((other, j) => j < i && other.from === from);
    if (twin >= 0)
      at(
        "from",
        `"${from}" is also the source of column "${p.schema[twin]?.name}": one field feeds one column; copy it in the transform instead`,
      );
  } else if (!positional) {
    // Without from, a column takes the field equal to its name ignoring case: that field must not be another's from.
    const owner = p.schema.find((other) => other.from?.toLowerCase() === column.name);
    if (owner !== undefined)
      at(
        "name",
        `"${column.name}" would also match the field "${owner.from}", the from of column "${owner.name}": give "${column.name}" its own from`,
      );
  }
  if (column.mayBeAbsent === true) {
    if (column.nullable === false)
      at(
        "mayBeAbsent",
        "not nullable, so a file without it would have every row quarantined: make it nullable, or drop mayBeAbsent",
      );
    if (positional)
      at(
        "mayBeAbsent",
        "a header: false file has every column by position, none can be absent: drop mayBeAbsent",
      );
  }
  return problems;
}

/** A lake column name for a source field's name: `Airport Name` -> `airport_name`, `2025 Total` -> `c_2025_total`. */
export function snakeCase(field: string, index: number): string {
  const words = field
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const name = words === "" ? `column_${index + 1}` : /^[0-9]/.test(words) ? `c_${words}` : words;
  return name.slice(0, COLUMN_NAME_MAX).replace(/_+$/, "");
}
