import sqlParser from "node-sql-parser/build/trino.js";

/**
 * node-sql-parser's Trino grammar, the dialect of Athena engine 3. Every statement the project ships or generates
 * goes through {@link parseAthena} in tests; the transforms are also parsed at synth time to infer their columns.
 */
const parser = new sqlParser.Parser();
export const ATHENA_DIALECT = { database: "trino" } as const;

/** A node of node-sql-parser's AST, read loosely: the grammar's own types are incomplete for Trino. */
export type AstNode = Record<string, unknown>;

export class SqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlError";
  }
}

/**
 * The AST of one statement; throws {@link SqlError} when Trino's grammar rejects it, naming the line and column
 * (1-based, in `sql`) and what the parser found there. `locations` adds each node's `loc` (line and column).
 */
export function parseAthena(sql: string, options: { locations?: boolean } = {}): AstNode {
  let ast: unknown;
  try {
    ast = parser.astify(sql, {
      ...ATHENA_DIALECT,
      ...(options.locations ? { parseOptions: { includeLocations: true } } : {}),
    });
  } catch (error) {
    throw new SqlError(`not valid Athena (Trino) SQL${syntaxErrorAt(error, sql)}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) throw new SqlError(`expected one statement, got ${statements.length}`);
  return statements[0] as AstNode;
}

/** The parser's error (a peggy SyntaxError) as " at line L, column C: unexpected X", or its message as it is. */
function syntaxErrorAt(error: unknown, sql: string): string {
  const e = error as {
    message?: string;
    found?: string | null;
    location?: { start: { line: number; column: number } };
    expected?: readonly { type: string; text?: string }[];
  };
  if (!e.location) return `: ${e.message ?? String(error)}`;
  const { line, column } = e.location.start;
  const found = e.found === null || e.found === undefined ? "end of the statement" : `"${e.found}"`;
  const source = sql.split("\n")[line - 1] ?? "";
  const word = /^\S+/.exec(source.slice(column - 1))?.[0];
  const near = word && e.found !== null ? ` (near "${word}")` : "";
  return ` at line ${line}, column ${column}: unexpected ${found}${near}`;
}

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** `"database"."table"`. */
export const tableRef = (database: string, table: string): string =>
  `${sqlIdentifier(database)}.${sqlIdentifier(table)}`;
