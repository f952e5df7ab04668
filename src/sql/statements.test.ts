import aslValidator from "asl-validator";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AthenaWorkgroup } from "../../modules/athena-workgroup/index.js";
import { AwsContext } from "../../modules/aws-context/index.js";
import { curatedStateMachineDefinition } from "../../modules/curated-stage/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import orders from "../pipelines/definitions/orders.js";
import { loadPipelines } from "../pipelines/index.js";
import { inferTransformColumns } from "./infer.js";
import { parseAthena, SqlError } from "./parser.js";
import {
  escapeIntrinsic,
  insertFormatTemplate,
  insertStatement,
  namedQueries,
  statesFormat,
} from "./statements.js";

const tables = (name: string) => ({
  raw: { database: "lake_raw", table: name },
  curated: { database: "lake_curated", table: name },
});

describe("generated SQL", () => {
  it("every transform, INSERT and named query parses with the Trino (Athena engine 3) grammar", async () => {
    const statements = (await loadPipelines()).flatMap((p) => [
      p.transform.sql.replaceAll("{{raw}}", '"lake_raw"."x"'),
      insertStatement(p, tables(p.name), { date: "2026-11-21" }),
      ...namedQueries(p, tables(p.name)).map((q) => q.sql),
    ]);
    // three example pipelines, six statements each
    expect(statements.length).toBe(18);
    for (const sql of statements) expect(() => parseAthena(sql)).not.toThrow();
  });

  it("names the line and column where the grammar stops, and what it found there", () => {
    const sql = "SELECT status,\n  COUNT(*) AS n\nFROM {{raw}}\nGROUP BY status HAVING";
    const garbled = "SELECT status\nFROM {{raw}} WHERE amount = = 1";

    expect(() => inferTransformColumns({ ...orders, transform: { sql } })).toThrow(
      new SqlError(
        'pipeline "orders": transform.sql: not valid Athena (Trino) SQL at line 4, column 23: unexpected end of the statement',
      ),
    );
    expect(() => inferTransformColumns({ ...orders, transform: { sql: garbled } })).toThrow(
      new SqlError(
        'pipeline "orders": transform.sql: not valid Athena (Trino) SQL at line 2, column 29: unexpected "=" (near "=")',
      ),
    );
  });

  it("says a column the transform reads is unknown, where it is, and what {{raw}} has", () => {
    const sql =
      "SELECT stauts, COUNT(*) AS n\nFROM {{raw}}\nWHERE CAST(amout AS DOUBLE) > 1 GROUP BY stauts ORDER BY n";

    expect(() => inferTransformColumns({ ...orders, transform: { sql } })).toThrow(
      new SqlError(
        `pipeline "orders": transform.sql: unknown column "stauts" (line 1, column 8); unknown column "amout" (line 3, column 12); unknown column "stauts" (line 3, column 42). {{raw}} has ${[...orders.schema.map((c) => c.name), "ingest_date", "_source_key", "_source_line"].join(", ")}`,
      ),
    );
  });

  it("rejects what the grammar rejects, naming the pipeline", () => {
    expect(() => parseAthena("SELEC 1")).toThrow(SqlError);
    expect(() => inferTransformColumns({ ...orders, transform: { sql: "SELECT * FROM {{raw}}" } })).toThrow(
      'pipeline "orders": transform.sql: output column 1 needs a name (AS <name>); SELECT * is not allowed',
    );
    expect(() =>
      inferTransformColumns({
        ...orders,
        transform: { sql: "SELECT date_trunc('week', ordered_at) AS w FROM {{raw}}" },
      }),
    ).toThrow(
      'cannot infer the type of output column "w" (line 1, column 8): wrap it in CAST(... AS <type>)',
    );
    expect(() => insertStatement(orders, tables("orders"), { date: "2026-02-30" })).toThrow(
      "is not a YYYY-MM-DD date",
    );
  });

  it("fills the States.Format template exactly as the direct statement", () => {
    const { template, dateArguments } = insertFormatTemplate(orders, tables("orders"));
    expect(dateArguments).toBe(2);
    expect(statesFormat(template, "2026-11-21", "2026-11-21")).toBe(
      insertStatement(orders, tables("orders"), { date: "2026-11-21" }).replace(/\s*\n\s*/g, " "),
    );
    expect(escapeIntrinsic("a'{b}\\")).toBe("a\\'\\{b\\}\\\\");
  });
});

describe("curated state machine definition", () => {
  it("is valid ASL for every athena pipeline", async () => {
    for (const p of await loadPipelines()) {
      const t = insertFormatTemplate(p, tables(p.name));
      const definition = curatedStateMachineDefinition({
        pipeline: p.name,
        queryTemplate: t.template,
        dateArguments: t.dateArguments,
        workgroup: "lake",
        database: "lake_curated",
        curatedCrawler: "crawl-curated",
        ledgerTable: "runs",
        alertsTopicArn: "arn:aws:sns:eu-west-1:111111111111:alerts",
      });
      const result = aslValidator(definition);
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    }
  });
});

describe("invalid props", () => {
  const stack = () => new TerraformStack(Testing.app(), "s");
  it("AthenaWorkgroup refuses a cutoff under 10 MB, a bad prefix and a one-sided force destroy", () => {
    const scope = stack();
    const context = new AwsContext(scope, "context");
    const results = new ZoneBucket(scope, "r", {
      context,
      zone: "r",
      bucketName: "event-lake-test-r-111111111111",
    });
    expect(
      () =>
        new AthenaWorkgroup(scope, "w", {
          context,
          name: "w",
          results,
          bytesScannedCutoffPerQuery: 1000,
          resultsPrefix: "/x",
          forceDestroy: { enabled: true, acknowledgeQueryLoss: false },
        }),
    ).toThrow(
      'AthenaWorkgroup w: bytesScannedCutoffPerQuery must be a whole number >= 10485760 (10 MB), got 1000; resultsPrefix "/x" must end with "/" and not start with one; forceDestroy.enabled needs forceDestroy.acknowledgeQueryLoss: true as well',
    );
  });
});
