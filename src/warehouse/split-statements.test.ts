import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXTERNAL_SCHEMA_SQL_FILE } from "../../modules/warehouse/warehouse.js";
import { SqlSplitError, splitSqlStatements, statementLabel } from "./split-statements.js";

describe("splitSqlStatements", () => {
  it("splits the shipped external-schema SQL into its three statements, without the comments", () => {
    // Prepare
    const sql = readFileSync(EXTERNAL_SCHEMA_SQL_FILE, "utf8");

    // Act
    const statements = splitSqlStatements(sql);

    // Assess
    expect(statements).toEqual([
      "CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE '{{database}}' IAM_ROLE '{{role_arn}}' REGION '{{region}}'",
      "CREATE SCHEMA IF NOT EXISTS reporting",
      "SELECT schemaname, databasename FROM svv_external_schemas WHERE schemaname = 'curated'",
    ]);
  });

  it("drops line comments, block comments, blank lines and trailing blanks; keeps the lines of a statement", () => {
    const sql = [
      "-- header; with a semicolon and a 'quote",
      "",
      "SELECT a, -- the first column; not the end",
      "   ",
      "  b /* a block; comment",
      "spanning 'lines */ FROM t;",
      "",
      "/* only a comment */",
      "DROP TABLE x;  -- done",
    ].join("\n");

    expect(splitSqlStatements(sql)).toEqual(["SELECT a,\n  b   FROM t", "DROP TABLE x"]);
  });

  it("does not split on a semicolon inside a string literal, with '' and backslash escapes", () => {
    const sql = "SELECT 'a;b', 'it''s; fine', 'back\\'slash; still in' FROM t; SELECT 2";

    expect(splitSqlStatements(sql)).toEqual([
      "SELECT 'a;b', 'it''s; fine', 'back\\'slash; still in' FROM t",
      "SELECT 2",
    ]);
  });

  it("keeps comment markers and blank lines inside literals byte for byte", () => {
    const sql = "INSERT INTO t VALUES ('line one;\n\n-- not a comment\n/* nor this */');\nSELECT 1;";

    expect(splitSqlStatements(sql)).toEqual([
      "INSERT INTO t VALUES ('line one;\n\n-- not a comment\n/* nor this */')",
      "SELECT 1",
    ]);
  });

  it('does not split on a semicolon inside a "quoted identifier", with "" escapes', () => {
    expect(splitSqlStatements('SELECT 1 AS "a;""b"; SELECT 2')).toEqual(['SELECT 1 AS "a;""b"', "SELECT 2"]);
  });

  it("keeps a dollar-quoted body whole, tagged or not; $1 and a$b$ open nothing", () => {
    const sql = [
      "CREATE PROCEDURE p() AS $body$ BEGIN SELECT 1; SELECT '$$'; END; $body$ LANGUAGE plpgsql;",
      "CREATE FUNCTION f(int) RETURNS int IMMUTABLE AS $$ SELECT $1; $$ LANGUAGE sql;",
      "SELECT a$b$ FROM t WHERE x = $1;",
      "SELECT 3",
    ].join("\n");

    expect(splitSqlStatements(sql)).toEqual([
      "CREATE PROCEDURE p() AS $body$ BEGIN SELECT 1; SELECT '$$'; END; $body$ LANGUAGE plpgsql",
      "CREATE FUNCTION f(int) RETURNS int IMMUTABLE AS $$ SELECT $1; $$ LANGUAGE sql",
      "SELECT a$b$ FROM t WHERE x = $1",
      "SELECT 3",
    ]);
  });

  it("takes a last statement without a semicolon, skips empty ones, and handles CRLF", () => {
    expect(splitSqlStatements("SELECT 1;;\r\n ; \r\nSELECT\r\n  2")).toEqual(["SELECT 1", "SELECT\n  2"]);
    expect(splitSqlStatements("-- nothing here\n\n;")).toEqual([]);
  });

  it("fails on an unterminated literal or comment, naming the line it starts on", () => {
    expect(() => splitSqlStatements("SELECT 1;\nSELECT 'open;")).toThrow(
      new SqlSplitError("unterminated string literal starting on line 2"),
    );
    expect(() => splitSqlStatements("SELECT 'a\\'")).toThrow(
      "unterminated string literal starting on line 1",
    );
    expect(() => splitSqlStatements('\n\nSELECT "x')).toThrow(
      "unterminated quoted identifier starting on line 3",
    );
    expect(() => splitSqlStatements("SELECT 1 /* open")).toThrow(
      "unterminated /* comment starting on line 1",
    );
    expect(() => splitSqlStatements("AS $fn$ body")).toThrow("unterminated $fn$ quote starting on line 1");
  });
});

describe("statementLabel", () => {
  it("is the first line, cut at 80 characters with an ellipsis", () => {
    expect(statementLabel("CREATE SCHEMA IF NOT EXISTS reporting")).toBe(
      "CREATE SCHEMA IF NOT EXISTS reporting",
    );
    expect(statementLabel(`SELECT ${"x".repeat(100)}`)).toBe(`SELECT ${"x".repeat(73)}…`);
    expect(statementLabel("SELECT a,\n  b FROM t")).toBe("SELECT a,…");
    expect(statementLabel("SELECT 1234567890", 6)).toBe("SELECT…");
  });
});
