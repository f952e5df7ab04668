/**
 * Splits a Redshift SQL script into its statements, for the Data API, which runs one statement per call.
 *
 * A `;` ends a statement only outside quotes and comments. What it understands, as Redshift reads it:
 * - `'string'` literals, with `''` and backslash escapes (Redshift treats `\` in a literal as an escape, which is why
 *   its QUOTE_LITERAL doubles backslashes);
 * - `"identifiers"`, with `""`;
 * - dollar-quoted bodies, `$$ … $$` or `$tag$ … $tag$` (procedures and UDFs, whose bodies hold semicolons);
 * - `-- line` and `/* block *\/` comments (not nested), which are dropped, as are blank lines and the trailing `;`.
 *
 * Text inside literals is kept byte for byte. An unterminated literal or comment is an error naming its line.
 */
export class SqlSplitError extends Error {}

/** The statements of `sql`, in order, each trimmed, without comments, blank lines or the closing `;`. */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  const finish = () => {
    const statement = current.trim();
    if (statement !== "") statements.push(statement);
    current = "";
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    const tag = c === "$" ? dollarTag(sql, i) : undefined;
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw new SqlSplitError(`unterminated /* comment starting on line ${lineOf(sql, i)}`);
      current += " ";
      i = end + 2;
    } else if (c === "'" || c === '"') {
      const end = quotedEnd(sql, i, c);
      current += sql.slice(i, end);
      i = end;
    } else if (tag !== undefined) {
      const end = sql.indexOf(tag, i + tag.length);
      if (end < 0) throw new SqlSplitError(`unterminated ${tag} quote starting on line ${lineOf(sql, i)}`);
      current += sql.slice(i, end + tag.length);
      i = end + tag.length;
    } else if (c === ";") {
      finish();
      i++;
    } else if (c === "\n") {
      // Outside any literal: drop trailing blanks, and the line itself when nothing is left on it.
      current = current.replace(/[ \t\r]+$/, "");
      if (current !== "" && !current.endsWith("\n")) current += "\n";
      i++;
    } else {
      current += c;
      i++;
    }
  }
  finish();
  return statements;
}

/** The index just past the literal or identifier opened by `quote` at `start`. */
function quotedEnd(sql: string, start: number, quote: "'" | '"'): number {
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (quote === "'" && c === "\\") j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j++;
  }
  const what = quote === "'" ? "string literal" : "quoted identifier";
  throw new SqlSplitError(`unterminated ${what} starting on line ${lineOf(sql, start)}`);
}

/** `$$` or `$tag$` when one opens at `i` (not inside a word such as `a$b`, and not a `$1` parameter). */
function dollarTag(sql: string, i: number): string | undefined {
  if (i > 0 && /[A-Za-z0-9_$]/.test(sql[i - 1] as string)) return undefined;
  const tag = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
  tag.lastIndex = i;
  return tag.exec(sql)?.[0];
}

function lineOf(sql: string, index: number): number {
  return sql.slice(0, index).split("\n").length;
}

/** A statement's first line, at most `max` characters (an ellipsis marks a cut), for messages. */
export function statementLabel(statement: string, max = 80): string {
  const first = statement.split("\n")[0] ?? "";
  const cut = first.length > max || statement.includes("\n");
  return cut ? `${first.slice(0, max).trimEnd()}…` : first;
}
