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

/** The AST of one statement; throws {@link SqlError} (with the parser's message) when Trino's grammar rejects it. */
export function parseAthena(sql: string): AstNode {
  let ast: unknown;
  try {
    ast = parser.astify(sql, ATHENA_DIALECT);
  } catch (error) {
    throw new SqlError(`not valid Athena (Trino) SQL: ${(error as Error).message}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) throw new SqlError(`expected one statement, got ${statements.length}`);
  return statements[0] as AstNode;
}

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** `"database"."table"`. */
export const tableRef = (database: string, table: string): string =>
  `${sqlIdentifier(database)}.${sqlIdentifier(table)}`;
