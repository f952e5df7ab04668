import type { DuckDBConnection } from "@duckdb/node-api";
import { snakeCase } from "../../src/core/declaration.js";
import type { Column, PipelineDeclaration } from "../../src/core/pipeline.js";
import { type PreparedInput, UnreadableFileError } from "./prepare.js";
import { jsonKeysSql, type StagingSource } from "./sql.js";

/**
 * Which source field each declared column is read from: a CSV header field, or a top-level JSON key. One rule for
 * both, applied to the whole file before any row is converted:
 *
 * 1. a column with `from` takes the field named exactly `from` (case and spaces included; CSV header fields are
 *    trimmed);
 * 2. a column without it takes the one field whose name equals its `name` ignoring case (`Title` for `title`);
 * 3. a column that matches no field makes the file unreadable (quarantined whole, naming the pipeline, the column and
 *    the fix), unless it is declared `mayBeAbsent` (then NULL); so does a column that matches two fields (`Title` and
 *    `title`; `from` picks one), or a header that repeats a field a column is read from.
 *
 * Fields no column names are ignored. A JSON file's fields are the keys found in any of its records; a key a record
 * lacks is that record's missing value. A `header: false` CSV file's columns are its fields in declared order.
 */

/** The fields of a file, named in messages: at most this many. */
const LISTED_FIELDS = 12;

export interface FieldMatch {
  /** Column name -> index of its field in `fields`; a `mayBeAbsent` column the file lacks is not in it. */
  readonly fieldOf: ReadonlyMap<string, number>;
  /** Fields no column is read from. */
  readonly ignored: readonly string[];
}

/** Matches the declared columns to a file's fields (`what`: "header" or "JSON keys", for messages). */
export function matchFields(
  pipeline: Pick<PipelineDeclaration, "name" | "schema">,
  fields: readonly string[],
  what: string,
): FieldMatch {
  const fieldOf = new Map<string, number>();
  const problems: string[] = [];
  const missing: Column[] = [];
  for (const column of pipeline.schema) {
    const matches = fields.flatMap((field, i) =>
      (column.from !== undefined ? field === column.from : field.toLowerCase() === column.name) ? [i] : [],
    );
    if (matches.length === 1) fieldOf.set(column.name, matches[0] as number);
    else if (matches.length > 1) {
      const spellings = [...new Set(matches.map((i) => fields[i] as string))];
      problems.push(
        spellings.length === 1
          ? `column "${column.name}": its field ${JSON.stringify(spellings[0])} appears ${matches.length} times`
          : `column "${column.name}": ${spellings.map((f) => JSON.stringify(f)).join(" and ")} all match its name ignoring case (declare from: with the one to read)`,
      );
    } else if (column.mayBeAbsent !== true) missing.push(column);
  }
  if (missing.length > 0)
    problems.unshift(
      `no field for ${missing.map((c) => `column "${c.name}"${c.from !== undefined ? ` (from "${c.from}")` : ""}`).join(", ")} (${fixes(pipeline.name, missing, fields)})`,
    );
  if (fieldOf.size === 0 && fields.length > 0)
    problems.push(
      `none of the declared columns is in it${what === "header" && fields.length === 1 ? " (a header of one field: is format.delimiter right?)" : ""}`,
    );
  if (problems.length > 0)
    throw new UnreadableFileError(
      `pipeline "${pipeline.name}": ${what}: ${problems.join("; ")}. The file's ${what}: ${listed(fields)}`,
    );
  const used = new Set(fieldOf.values());
  return { fieldOf, ignored: fields.filter((_, i) => !used.has(i)) };
}

function listed(fields: readonly string[]): string {
  if (fields.length === 0) return "none";
  const shown = fields.slice(0, LISTED_FIELDS).map((f) => JSON.stringify(f));
  return `${shown.join(", ")}${fields.length > LISTED_FIELDS ? `, … (${fields.length} in all)` : ""}`;
}

/** How to fix columns that match no field: the field that looks like each, else the declaration's options. */
function fixes(pipeline: string, columns: readonly Column[], fields: readonly string[]): string {
  const suggestions = columns.flatMap((column) => {
    // A field whose snake_case form is the column's name or its from's: `Airport Name`, `Fare EUR` for `Fare (EUR)`.
    const alike = fields.filter(
      (f) =>
        snakeCase(f, 0) === column.name ||
        (column.from !== undefined && snakeCase(f, 0) === snakeCase(column.from, 0)),
    );
    return alike.length === 1 ? [`from: ${JSON.stringify(alike[0])} on "${column.name}"`] : [];
  });
  const file = `src/pipelines/definitions/${pipeline}.ts`;
  return suggestions.length === columns.length
    ? `fix: declare ${suggestions.join(", ")} in ${file}`
    : `fix: in ${file}, declare each one's from: with the file's name for it${suggestions.length > 0 ? ` (${suggestions.join(", ")})` : ""}, or mayBeAbsent: true if files may lack it`;
}

/**
 * The CSV fields of each declared column: by header name (see above), or by position without a header. Throws
 * {@link UnreadableFileError} naming every problem at once.
 */
export function matchHeader(
  pipeline: Pick<PipelineDeclaration, "name" | "schema">,
  prepared: Pick<PreparedInput, "layout" | "header">,
): { csv: StagingSource["csv"]; ignoredColumns: string[] } {
  if (prepared.layout !== "csv") return { csv: undefined, ignoredColumns: [] };
  const header = prepared.header;
  const { schema } = pipeline;
  if (header === undefined)
    return {
      csv: { fieldCount: schema.length, fieldOf: new Map(schema.map((c, i) => [c.name, i])) },
      ignoredColumns: [],
    };
  const match = matchFields(pipeline, header, "header");
  return { csv: { fieldCount: header.length, fieldOf: match.fieldOf }, ignoredColumns: [...match.ignored] };
}

/**
 * For a JSON or NDJSON file: the keys its records use (one DuckDB pass that only lists keys), matched to the columns
 * as above; returns the staging source with each column's key. Throws {@link UnreadableFileError} like matchHeader.
 */
export async function withJsonKeys(
  db: DuckDBConnection,
  source: StagingSource,
  pipeline: Pick<PipelineDeclaration, "name" | "schema">,
): Promise<StagingSource> {
  if (source.layout !== "lines") return source;
  let result: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
  try {
    result = await db.runAndReadAll(jsonKeysSql(source, false));
  } catch {
    // A record that is not valid JSON (it is quarantined as such): list the keys of the valid objects only.
    result = await db.runAndReadAll(jsonKeysSql(source, true));
  }
  const keys = result
    .getRows()
    .map((row) => String(row[0]))
    .sort();
  // Not one key (no record is a JSON object with a key): nothing to match; every record fails its own row checks.
  if (keys.length === 0) return source;
  const match = matchFields(pipeline, keys, "JSON keys");
  const keyOf = new Map([...match.fieldOf].map(([column, i]) => [column, keys[i] as string]));
  return { ...source, json: { keyOf } };
}
