import type { Column, ColumnType } from "../../src/core/pipeline.js";
import { parquetFilePattern } from "./paths.js";
import type { Layout } from "./prepare.js";

/**
 * The SQL DuckDB runs over a prepared file (see prepare.ts): every field is read as VARCHAR next to the record's
 * line, TRY_CAST to its declared type, and `__bad` names the first problem of the row (0: the row
 * itself, i: the i-th declared column; NULL: the row is good). Pure string building, so it is unit-tested as text.
 */

/** The DuckDB type each declared type is written as. Timestamps are instants: TIMESTAMPTZ, read in UTC. */
export const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  string: "VARCHAR",
  int: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMPTZ",
};

const ARTICLE: Readonly<Record<ColumnType, string>> = {
  string: "a string",
  int: "an int",
  bigint: "a bigint",
  double: "a double",
  boolean: "a boolean",
  date: "a date",
  timestamp: "a timestamp",
};

/** Longest raw value quoted in a reason; the whole row is in the quarantine line anyway. */
export const REASON_VALUE_CHARS = 120;

export interface StagingSource {
  /** The prepared file. */
  readonly path: string;
  readonly layout: Layout;
  readonly separator: string;
  readonly schema: readonly Column[];
  /** csv: fields per record and the field index of each declared column present in the file. */
  readonly csv?: { readonly fieldCount: number; readonly fieldOf: ReadonlyMap<string, number> };
  /**
   * JSON: the key each declared column is read from (fields.ts); a column not in it is NULL. Without it, each column
   * reads the key `from`, else `name`.
   */
  readonly json?: { readonly keyOf: ReadonlyMap<string, string> };
  /** Longest record DuckDB accepts, in bytes, prefix included. */
  readonly maxLineBytes: number;
}

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A regular-expression atom (RE2) matching exactly `char`. */
const regexChar = (char: string): string => `\\x{${char.charCodeAt(0).toString(16)}}`;

/** The fields of a prepared record's prefix (see prepare.ts). */
const PREFIX_COLUMNS = ["__line"] as const;

/** `read_csv(...)` over the prepared file, every column VARCHAR; structurally broken records go to `rejectsTable`. */
export function readPrepared(source: StagingSource, rejectsTable?: string): string {
  const fields =
    source.layout === "csv"
      ? Array.from({ length: source.csv?.fieldCount ?? source.schema.length }, (_, i) => `f${i}`)
      : ["__text"];
  const columns = [...PREFIX_COLUMNS, ...fields].map((f) => `${sqlString(f)}: 'VARCHAR'`).join(", ");
  const options = [
    "header = false",
    "auto_detect = false",
    `columns = {${columns}}`,
    `delim = ${sqlString(source.separator)}`,
    // allow_quoted_nulls: a quoted empty field ("") is NULL like an unquoted one (stagingSql relies on it).
    source.layout === "csv"
      ? `quote = '"', escape = '"', allow_quoted_nulls = true`
      : `quote = '', escape = ''`,
    `new_line = '\\n'`,
    "null_padding = false",
    "strict_mode = true",
    "ignore_errors = true",
    `max_line_size = ${source.maxLineBytes}`,
    // DuckDB's default buffer is 16 x max_line_size: 32 MiB per thread for the default 2 MiB lines.
    `buffer_size = ${Math.max(16 * 1024 * 1024, 2 * source.maxLineBytes)}`,
  ];
  if (rejectsTable)
    options.push(
      "store_rejects = true",
      `rejects_table = ${sqlString(rejectsTable)}`,
      `rejects_scan = ${sqlString(`${rejectsTable}_scan`)}`,
    );
  return `read_csv(${sqlString(source.path)}, ${options.join(", ")})`;
}

/** The typed value of one column from its raw VARCHAR `v`; NULL when `v` is NULL or does not convert. */
export function typedExpression(type: ColumnType, v: string): string {
  switch (type) {
    case "string":
      return v;
    // DuckDB would truncate '2026-11-21T10:00:00Z' to a date; a date column takes dates only.
    case "date":
      return `CASE WHEN length(${v}) <= 12 THEN TRY_CAST(${v} AS DATE) END`;
    default:
      return `TRY_CAST(${v} AS ${DUCKDB_TYPES[type]})`;
  }
}

const rawName = (column: Column) => sqlIdentifier(`v_${column.name}`);
const typedName = (column: Column) => sqlIdentifier(`t_${column.name}`);

/**
 * True when the column makes the row bad; undefined when it never can (a nullable string). DuckDB casts '1.5' to the
 * integer 2, so an integer column also needs the value to equal its reading as a double (a cheaper test than a
 * regular expression: '2.0' and '1e3' pass, being exact integers; '1.5' does not).
 */
function failure(column: Column): string | undefined {
  const v = rawName(column);
  const t = typedName(column);
  const nullable = column.nullable ?? true;
  if (column.type === "string") return nullable ? undefined : `${v} IS NULL`;
  const exact =
    column.type === "int" || column.type === "bigint" ? ` OR TRY_CAST(${v} AS DOUBLE) <> ${t}` : "";
  return nullable
    ? `(${v} IS NOT NULL AND (${t} IS NULL${exact}))`
    : `(${v} IS NULL OR ${t} IS NULL${exact})`;
}

/** The quarantine reason for a row whose first problem is `column`: starts with the column's name. */
export function reasonExpression(column: Column): string {
  const v = rawName(column);
  const missing = sqlString(`${column.name}: missing value (the column is not nullable)`);
  if (column.type === "string") return missing;
  const bad = `${sqlString(`${column.name}: `)} || to_json(left(${v}, ${REASON_VALUE_CHARS})) || ${sqlString(
    ` is not ${ARTICLE[column.type]}`,
  )}`;
  return (column.nullable ?? true) ? bad : `CASE WHEN ${v} IS NULL THEN ${missing} ELSE ${bad} END`;
}

/**
 * Every record of the prepared file with `__line`, `__invalid` (a row-level problem), the raw `v_<column>`, the
 * typed `t_<column>`, and `__bad`.
 */
export function stagingSql(source: StagingSource, rejectsTable?: string): string {
  const prefix = "TRY_CAST(__line AS BIGINT) AS __line";
  let raw: string;
  if (source.layout === "csv") {
    // The reader already gives NULL for an empty field, quoted or not (allow_quoted_nulls): no NULLIF needed.
    const values = source.schema.map((column) => {
      const field = source.csv?.fieldOf.get(column.name);
      return `${field === undefined ? "NULL::VARCHAR" : `f${field}`} AS ${rawName(column)}`;
    });
    raw = `SELECT ${prefix}, NULL::VARCHAR AS __invalid, ${values.join(", ")} FROM ${readPrepared(source, rejectsTable)}`;
  } else {
    const keys = source.schema.map((c) => (source.json ? source.json.keyOf.get(c.name) : (c.from ?? c.name)));
    const read = keys.filter((key) => key !== undefined);
    const paths = read.map((key) => sqlString(jsonPath(key))).join(", ");
    const checked = `SELECT ${prefix}, __text, CASE
      WHEN __text IS NULL OR NOT json_valid(__text) THEN 'row: not valid JSON'
      WHEN json_type(__text) <> 'OBJECT' THEN 'row: a JSON ' || lower(json_type(__text)) || ', not an object'
    END AS __invalid FROM ${readPrepared(source, rejectsTable)}`;
    const extracted = `SELECT *, CASE WHEN __invalid IS NULL THEN ${read.length === 0 ? "[]::VARCHAR[]" : `json_extract_string(__text, [${paths}])`} END AS __values FROM (${checked})`;
    const values = source.schema.map((column, i) => {
      const key = keys[i];
      return key === undefined
        ? `NULL::VARCHAR AS ${rawName(column)}`
        : `NULLIF(__values[${read.indexOf(key) + 1}], '') AS ${rawName(column)}`;
    });
    raw = `SELECT __line, __invalid, ${values.join(", ")} FROM (${extracted})`;
  }
  const typed = source.schema.map((c) => `${typedExpression(c.type, rawName(c))} AS ${typedName(c)}`);
  const checks = source.schema
    .map((column, i) => {
      const fails = failure(column);
      return fails === undefined ? undefined : `WHEN ${fails} THEN ${i + 1}`;
    })
    .filter((w) => w !== undefined);
  const bad = `CASE WHEN __invalid IS NOT NULL OR __line IS NULL THEN 0 ${checks.join(" ")} END AS __bad`;
  return `SELECT *, ${bad} FROM (SELECT *, ${typed.join(", ")} FROM (${raw}))`;
}

/** The JSON path of a top-level key, any characters included: `$."Airport Name"`, `$."a\\"b"`. */
export function jsonPath(key: string): string {
  return `$."${key.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The distinct top-level keys of the prepared JSON records. `tolerant`: only of the records that are valid JSON objects
 * (three parses a record instead of one: the fallback when the plain listing met an invalid record).
 */
export function jsonKeysSql(source: StagingSource, tolerant: boolean): string {
  const records = tolerant
    ? `(SELECT __text FROM ${readPrepared(source)} WHERE json_valid(__text) AND json_type(__text) = 'OBJECT')`
    : readPrepared(source);
  return `SELECT DISTINCT unnest(json_keys(__text)) AS key FROM ${records}`;
}

export interface ParquetTarget {
  /** A directory when partitioned, else the file. */
  readonly path: string;
  readonly partitionKeys: readonly string[];
  /** The output name: partitioned, DuckDB names each partition's files `<stem>_<i>.parquet` (paths.ts). */
  readonly fileStem: string;
  readonly compression: "zstd" | "snappy";
  /** The `_source_key` written on every row. */
  readonly sourceKey: string;
}

/**
 * COPY of the good rows: the declared columns typed, plus `_source_key` and `_source_line`. `_source_key` is a
 * one-value ENUM: Parquet gets the same UTF8 strings (dictionary-encoded), but the partitioned write moves a byte per
 * row instead of copying and hashing the key's text.
 */
export function copyGoodRowsSql(source: StagingSource, rejectsTable: string, target: ParquetTarget): string {
  const columns = source.schema.map((c) => `${typedName(c)} AS ${sqlIdentifier(c.name)}`);
  const key = sqlString(target.sourceKey);
  const select = `SELECT ${columns.join(", ")}, ${key}::ENUM(${key}) AS _source_key, __line AS _source_line FROM (${stagingSql(source, rejectsTable)}) WHERE __bad IS NULL`;
  const options = ["FORMAT parquet", `COMPRESSION ${target.compression}`, "RETURN_FILES true"];
  if (target.partitionKeys.length > 0)
    options.push(
      `PARTITION_BY (${target.partitionKeys.map(sqlIdentifier).join(", ")})`,
      `FILENAME_PATTERN ${sqlString(parquetFilePattern(target.fileStem))}`,
    );
  return `COPY (${select}) TO ${sqlString(target.path)} (${options.join(", ")})`;
}

/**
 * Rows DuckDB's reader rejected (wrong field count, bad quoting, invalid UTF-8, too long), one per record, with the
 * line taken back from the record's prefix in `csv_line`.
 */
export function structuralRejectsSql(source: StagingSource, rejectsTable: string): string {
  const sep = regexChar(source.separator);
  const line = `regexp_extract(csv_line, '^([0-9]+)${sep}', 1)`;
  const counts = `regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+) Found: ([0-9]+)', ['expected', 'found'])`;
  const fields = (n: string) => `(TRY_CAST(${n} AS INTEGER) - ${PREFIX_COLUMNS.length})`;
  const tooMany =
    source.layout === "csv"
      ? `'row: ' || ${fields("c.found")} || ' fields, expected ' || ${fields("c.expected")}`
      : `'row: not valid JSON (a raw U+001F control character)'`;
  const reason = `CASE error_type
      WHEN 'MISSING COLUMNS' THEN 'row: ' || ${fields("c.found")} || ' fields, expected ' || ${fields("c.expected")}
      WHEN 'TOO MANY COLUMNS' THEN ${tooMany}
      WHEN 'UNQUOTED VALUE' THEN 'row: a quote inside an unquoted field, or a quoted field that never ends'
      WHEN 'INVALID UNICODE' THEN 'row: not valid UTF-8'
      WHEN 'INVALID ENCODING' THEN 'row: not valid UTF-8'
      WHEN 'LINE SIZE OVER MAXIMUM' THEN 'row: longer than ${source.maxLineBytes} bytes'
      ELSE 'row: ' || lower(error_type) || ': ' || error_message
    END`;
  return `SELECT TRY_CAST(p_line AS BIGINT) AS line, NULL::VARCHAR AS "column", ${reason} AS reason
    FROM (SELECT *, ${line} AS p_line, ${counts} AS c FROM ${sqlIdentifier(rejectsTable)})
    QUALIFY row_number() OVER (PARTITION BY p_line ORDER BY byte_position, column_idx) = 1`;
}

/** Rows the good-row COPY left out because a value did not convert or was missing. */
export function badRowsSql(source: StagingSource): string {
  const columnNames = source.schema.map((c, i) => `WHEN ${i + 1} THEN ${sqlString(c.name)}`);
  const reasons = source.schema.map((c, i) => `WHEN ${i + 1} THEN ${reasonExpression(c)}`);
  return `SELECT __line AS line, CASE __bad ${columnNames.join(" ")} END AS "column",
      CASE __bad WHEN 0 THEN coalesce(__invalid, 'row: the record does not start with its line number') ${reasons.join(" ")} END AS reason
    FROM (${stagingSql(source)}) WHERE __bad IS NOT NULL`;
}

/** Writes the quarantined rows, sorted by line, as NDJSON `{line, column, reason}`. */
export function copyRejectsSql(parts: readonly string[], path: string): string {
  return `COPY (SELECT * FROM (${parts.join(" UNION ALL ")}) ORDER BY line) TO ${sqlString(path)} (FORMAT json)`;
}
