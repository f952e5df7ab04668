import type { Column, ColumnType, PipelineDeclaration } from "../core/pipeline.js";
import { type AstNode, parseAthena, SqlError, sqlIdentifier } from "./parser.js";

/**
 * Infers the columns and types a curated transform outputs, from its AST (node-sql-parser, Trino grammar) and the
 * pipeline's declared schema, so the curated table can be declared in the catalog before anything runs. It knows
 * the SQL subset transforms are written in (column references, CAST, COUNT/SUM/AVG/MIN/MAX, ROUND and friends,
 * arithmetic, CASE); anything else fails the synth with a message asking for a CAST, which is always accepted.
 * Tests run every transform on DuckDB and check these types against what it returns.
 */

/** Where `{{raw}}` stands in the transform. */
export const RAW_PLACEHOLDER = "{{raw}}";

const CAST_TYPES: Readonly<Record<string, ColumnType>> = {
  VARCHAR: "string",
  STRING: "string",
  CHAR: "string",
  INT: "int",
  INTEGER: "int",
  BIGINT: "bigint",
  DOUBLE: "double",
  BOOLEAN: "boolean",
  DATE: "date",
  TIMESTAMP: "timestamp",
};

const NUMERIC: readonly ColumnType[] = ["int", "bigint", "double"];
const SAME_TYPE_FUNCTIONS = new Set([
  "ROUND",
  "ABS",
  "FLOOR",
  "CEIL",
  "CEILING",
  "COALESCE",
  "NULLIF",
  "GREATEST",
  "LEAST",
]);
const STRING_FUNCTIONS = new Set([
  "LOWER",
  "UPPER",
  "TRIM",
  "LTRIM",
  "RTRIM",
  "CONCAT",
  "SUBSTR",
  "SUBSTRING",
  "REPLACE",
]);

/** The input the transform reads: the declared columns plus the ones the lake adds. */
export function rawInputColumns(pipeline: PipelineDeclaration): Column[] {
  return [
    ...pipeline.schema,
    { name: "ingest_date", type: "date" },
    { name: "_source_key", type: "string" },
    { name: "_source_line", type: "bigint" },
  ];
}

/** The transform with `{{raw}}` replaced by `rawRef` (a table reference or a CTE name). */
export function bindRaw(pipeline: PipelineDeclaration, rawRef: string): string {
  return pipeline.transform.sql.replaceAll(RAW_PLACEHOLDER, rawRef);
}

/**
 * What `{{raw}}` is bound to while inferring: an identifier of the same length, so the line and column an error
 * names are the ones in the declared SQL.
 */
const RAW_STAND_IN = sqlIdentifier("raw__");

export function inferTransformColumns(pipeline: PipelineDeclaration): Column[] {
  const at = `pipeline "${pipeline.name}": transform.sql`;
  let ast: AstNode;
  try {
    ast = parseAthena(bindRaw(pipeline, RAW_STAND_IN), { locations: true });
  } catch (error) {
    throw new SqlError(`${at}: ${(error as Error).message}`);
  }
  if (ast.type !== "select" || ast.with)
    throw new SqlError(`${at}: must be one SELECT (no WITH, no set operation) over {{raw}}`);
  if (ast._next) throw new SqlError(`${at}: UNION and other set operations are not supported`);
  const inputColumns = rawInputColumns(pipeline);
  const input = new Map(inputColumns.map((c) => [c.name, c.type]));
  const columns = (ast.columns as AstNode[] | undefined) ?? [];
  const aliases = new Set(columns.map((c) => c.as).filter((a): a is string => typeof a === "string"));
  const unknown = columnRefs(ast).filter((r) => !input.has(r.name) && !aliases.has(r.name));
  if (unknown.length > 0)
    throw new SqlError(
      `${at}: ${unknown.map((r) => `unknown column "${r.name}"${r.where}`).join("; ")}. {{raw}} has ${inputColumns.map((c) => c.name).join(", ")}`,
    );
  const out: Column[] = [];
  columns.forEach((item, i) => {
    const expr = item.expr as AstNode;
    const name = (item.as as string | null) ?? columnRefName(expr);
    if (name === undefined || name === "*")
      throw new SqlError(`${at}: output column ${i + 1} needs a name (AS <name>); SELECT * is not allowed`);
    const type = typeOf(expr, input);
    if (type === undefined)
      throw new SqlError(
        `${at}: cannot infer the type of output column "${name}"${where(item)}: wrap it in CAST(... AS <type>)`,
      );
    if (out.some((c) => c.name === name)) throw new SqlError(`${at}: output column "${name}" appears twice`);
    out.push({ name, type });
  });
  return out;
}

/** " (line L, column C)" of a node parsed with locations, or "". */
function where(node: AstNode): string {
  const start = (node.loc as { start?: { line: number; column: number } } | undefined)?.start;
  return start ? ` (line ${start.line}, column ${start.column})` : "";
}

/** Every column reference in the statement, in source order, with where it is. `*` is not a reference. */
function columnRefs(
  node: unknown,
  found: { name: string; where: string }[] = [],
): { name: string; where: string }[] {
  if (Array.isArray(node)) for (const n of node) columnRefs(n, found);
  else if (typeof node === "object" && node !== null) {
    const ast = node as AstNode;
    if (ast.type === "column_ref") {
      const name = columnRefName(ast);
      if (name !== undefined && name !== "*") found.push({ name, where: where(ast) });
      return found;
    }
    for (const [key, value] of Object.entries(ast)) if (key !== "loc") columnRefs(value, found);
  }
  return found;
}

function columnRefName(expr: AstNode): string | undefined {
  if (expr.type !== "column_ref") return undefined;
  const column = expr.column as string | { expr: { value: string } };
  return typeof column === "string" ? column : column.expr.value;
}

function functionName(expr: AstNode): string {
  const name = expr.name as { name?: { value: string }[] } | string;
  return (typeof name === "string" ? name : (name.name ?? []).map((n) => n.value).join(".")).toUpperCase();
}

function args(expr: AstNode): AstNode[] {
  const a = expr.args as { value?: AstNode[]; expr?: AstNode } | undefined;
  if (!a) return [];
  if (Array.isArray(a.value)) return a.value;
  return a.expr ? [a.expr] : [];
}

function numeric(types: (ColumnType | undefined)[]): ColumnType | undefined {
  if (types.some((t) => t === undefined || !NUMERIC.includes(t))) return undefined;
  if (types.includes("double")) return "double";
  return types.includes("bigint") ? "bigint" : "int";
}

/** The type of one expression, or undefined when outside the supported subset. */
export function typeOf(expr: AstNode, input: ReadonlyMap<string, ColumnType>): ColumnType | undefined {
  switch (expr.type) {
    case "column_ref": {
      const name = columnRefName(expr);
      return name === undefined ? undefined : input.get(name);
    }
    case "cast": {
      const target = (expr.target as { dataType: string }[] | undefined)?.[0]?.dataType.toUpperCase();
      return target === undefined ? undefined : CAST_TYPES[target];
    }
    case "aggr_func": {
      const name = String(expr.name).toUpperCase();
      const arg = args(expr)[0];
      if (name === "COUNT") return "bigint";
      const argType = arg === undefined ? undefined : typeOf(arg, input);
      if (name === "AVG") return argType !== undefined && NUMERIC.includes(argType) ? "double" : undefined;
      if (name === "SUM")
        return argType === "double"
          ? "double"
          : argType === "int" || argType === "bigint"
            ? "bigint"
            : undefined;
      if (name === "MIN" || name === "MAX") return argType;
      return undefined;
    }
    case "function": {
      const name = functionName(expr);
      const fnArgs = args(expr);
      const first = fnArgs[0];
      if (SAME_TYPE_FUNCTIONS.has(name)) return first === undefined ? undefined : typeOf(first, input);
      if (STRING_FUNCTIONS.has(name)) return "string";
      if (name === "LENGTH") return "bigint";
      return undefined;
    }
    case "binary_expr": {
      const op = String(expr.operator).toUpperCase();
      const left = typeOf(expr.left as AstNode, input);
      const right = typeOf(expr.right as AstNode, input);
      if (["+", "-", "*", "/", "%"].includes(op)) return numeric([left, right]);
      if (op === "||") return "string";
      if (
        [
          "=",
          "<>",
          "!=",
          "<",
          ">",
          "<=",
          ">=",
          "AND",
          "OR",
          "LIKE",
          "IN",
          "IS",
          "IS NOT",
          "BETWEEN",
        ].includes(op)
      )
        return "boolean";
      return undefined;
    }
    case "case": {
      const branches = (expr.args as AstNode[] | undefined) ?? [];
      const results = branches.map((b) => typeOf(b.result as AstNode, input)).filter((t) => t !== undefined);
      const first = results[0];
      return first !== undefined && results.every((t) => t === first) ? first : numeric(results);
    }
    case "number":
      return Number.isInteger(expr.value) ? "int" : undefined;
    case "single_quote_string":
      return "string";
    case "bool":
      return "boolean";
    case "date":
      return "date";
    default:
      return undefined;
  }
}
