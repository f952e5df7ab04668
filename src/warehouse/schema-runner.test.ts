import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  formatTable,
  runSchemaSql,
  SCHEMA_RUNNER_DEFAULTS,
  SchemaRunError,
  type SchemaRunOptions,
} from "./schema-runner.js";

const redshift = mockClient(RedshiftDataClient);
const SECRET =
  "arn:aws:secretsmanager:eu-west-1:111111111111:secret:redshift!event-lake-test-warehouse-admin-AbCdEf";
const SQL = [
  "-- the shipped file's shape",
  "CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE 'lake_curated' IAM_ROLE 'arn:aws:iam::111111111111:role/r' REGION 'eu-west-1';",
  "CREATE SCHEMA IF NOT EXISTS reporting;",
  "SELECT schemaname, databasename FROM svv_external_schemas WHERE schemaname = 'curated';",
].join("\n");
const STATEMENTS = [
  "CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE 'lake_curated' IAM_ROLE 'arn:aws:iam::111111111111:role/r' REGION 'eu-west-1'",
  "CREATE SCHEMA IF NOT EXISTS reporting",
  "SELECT schemaname, databasename FROM svv_external_schemas WHERE schemaname = 'curated'",
];

/** A fake clock the runner's sleeps advance, and the sleeps it asked for. */
function fakeClock() {
  const clock = { time: 0, sleeps: [] as number[] };
  return {
    clock,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
    now: () => clock.time,
  };
}

function options(
  overrides: Partial<SchemaRunOptions> = {},
): SchemaRunOptions & { lines: string[]; sleeps: number[] } {
  const { clock, sleep, now } = fakeClock();
  const lines: string[] = [];
  return {
    client: new RedshiftDataClient({ region: "eu-west-1" }),
    target: { workgroupName: "event-lake-test-warehouse" },
    database: "lake",
    secretArn: SECRET,
    sql: SQL,
    sleep,
    now,
    log: (line) => lines.push(line),
    lines,
    sleeps: clock.sleeps,
    ...overrides,
  };
}

/** Statement i gets id s<i>; each is FINISHED on its first poll; the SELECT returns one row. */
function everyStatementFinishes(): void {
  redshift
    .on(ExecuteStatementCommand)
    .resolvesOnce({ Id: "s1" })
    .resolvesOnce({ Id: "s2" })
    .resolvesOnce({ Id: "s3" });
  redshift.on(DescribeStatementCommand).resolves({ Status: "FINISHED", HasResultSet: false });
  redshift.on(DescribeStatementCommand, { Id: "s3" }).resolves({ Status: "FINISHED", HasResultSet: true });
  redshift.on(GetStatementResultCommand, { Id: "s3" }).resolves({
    ColumnMetadata: [{ name: "schemaname" }, { name: "databasename" }],
    Records: [[{ stringValue: "curated" }, { stringValue: "event_lake_test_curated" }]],
  });
}

const executed = () => redshift.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);

beforeEach(() => {
  redshift.reset();
});

describe("runSchemaSql: defaults", () => {
  it("waits at most 5 minutes per statement, polling after 250 ms, doubling up to 5 s", () => {
    expect(SCHEMA_RUNNER_DEFAULTS).toEqual({ timeoutMs: 300_000, firstPollMs: 250, maxPollMs: 5_000 });
  });
});

describe("runSchemaSql: statements in order", () => {
  it("runs each statement on the Serverless workgroup, as the secret, without events, in order", async () => {
    // Prepare
    everyStatementFinishes();

    // Act
    const outcomes = await runSchemaSql(options());

    // Assess
    expect(executed()).toEqual(
      STATEMENTS.map((Sql) => ({
        WorkgroupName: "event-lake-test-warehouse",
        Database: "lake",
        SecretArn: SECRET,
        Sql,
        WithEvent: false,
      })),
    );
    expect(outcomes.map((o) => o.id)).toEqual(["s1", "s2", "s3"]);
  });

  it("runs each statement on the provisioned cluster, naming no workgroup", async () => {
    everyStatementFinishes();

    await runSchemaSql(options({ target: { clusterIdentifier: "event-lake-test-warehouse" } }));

    expect(executed()).toEqual(
      STATEMENTS.map((Sql) => ({
        ClusterIdentifier: "event-lake-test-warehouse",
        Database: "lake",
        SecretArn: SECRET,
        Sql,
        WithEvent: false,
      })),
    );
  });

  it("submits the next statement only after the previous one is FINISHED", async () => {
    everyStatementFinishes();

    await runSchemaSql(options());

    const order = redshift
      .calls()
      .map((c) => `${(c.args[0] as { constructor: { name: string } }).constructor.name}`)
      .filter((name) => name !== "GetStatementResultCommand");
    expect(order).toEqual([
      "ExecuteStatementCommand",
      "DescribeStatementCommand",
      "ExecuteStatementCommand",
      "DescribeStatementCommand",
      "ExecuteStatementCommand",
      "DescribeStatementCommand",
    ]);
  });
});

describe("runSchemaSql: polling", () => {
  it("polls through SUBMITTED, PICKED and STARTED until FINISHED, doubling the wait", async () => {
    // Prepare
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift
      .on(DescribeStatementCommand)
      .resolvesOnce({ Status: "SUBMITTED" })
      .resolvesOnce({ Status: "PICKED" })
      .resolvesOnce({ Status: "STARTED" })
      .resolves({ Status: "FINISHED" });
    const run = options({ sql: "CREATE SCHEMA IF NOT EXISTS reporting" });

    // Act
    const [outcome] = await runSchemaSql(run);

    // Assess
    expect(redshift.commandCalls(DescribeStatementCommand).map((c) => c.args[0].input)).toEqual(
      Array(4).fill({ Id: "s1" }),
    );
    expect(run.sleeps).toEqual([250, 500, 1_000, 2_000]);
    expect(outcome).toEqual({ label: "CREATE SCHEMA IF NOT EXISTS reporting", id: "s1", durationMs: 3_750 });
    expect(run.lines).toEqual(["[1/1] CREATE SCHEMA IF NOT EXISTS reporting", "  finished in 3.8 s"]);
  });

  it("never waits longer than maxPollMs between two polls", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    const describe = redshift.on(DescribeStatementCommand);
    for (let i = 0; i < 6; i++) describe.resolvesOnce({ Status: "STARTED" });
    describe.resolves({ Status: "FINISHED" });
    const run = options({ sql: "SELECT 1", firstPollMs: 1_000, maxPollMs: 3_000 });

    await runSchemaSql(run);

    expect(run.sleeps).toEqual([1_000, 2_000, 3_000, 3_000, 3_000, 3_000, 3_000]);
  });
});

describe("runSchemaSql: failures stop the run", () => {
  it("stops at a FAILED statement with Redshift's error text and runs nothing after it", async () => {
    // Prepare
    redshift.on(ExecuteStatementCommand).resolvesOnce({ Id: "s1" }).resolvesOnce({ Id: "s2" });
    redshift.on(DescribeStatementCommand, { Id: "s1" }).resolves({ Status: "FINISHED" });
    redshift.on(DescribeStatementCommand, { Id: "s2" }).resolves({
      Status: "FAILED",
      Error: "ERROR: permission denied for database lake",
    });

    // Act
    const run = runSchemaSql(options());

    // Assess
    await expect(run).rejects.toThrow(
      new SchemaRunError(
        "statement 2 of 3 (CREATE SCHEMA IF NOT EXISTS reporting) failed: ERROR: permission denied for database lake",
        2,
        "ERROR: permission denied for database lake",
      ),
    );
    expect(executed().map((i) => i.Sql)).toEqual(STATEMENTS.slice(0, 2));
    expect(redshift.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });

  it("names a long statement by its first 80 characters", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "FAILED", Error: "ERROR: role not authorized" });

    await expect(runSchemaSql(options())).rejects.toThrow(
      "statement 1 of 3 (CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE 'lake_cu…) failed: ERROR: role not authorized",
    );
  });

  it("stops at an ABORTED statement", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "ABORTED" });

    await expect(runSchemaSql(options({ sql: "SELECT 1; SELECT 2" }))).rejects.toThrow(
      "statement 1 of 2 (SELECT 1) was aborted: no error text",
    );
    expect(executed()).toHaveLength(1);
  });

  it("stops when the Data API refuses a statement, naming it", async () => {
    redshift
      .on(ExecuteStatementCommand)
      .rejects(
        new ValidationException({ message: "Workgroup event-lake-test-warehouse not found", $metadata: {} }),
      );

    await expect(runSchemaSql(options())).rejects.toThrow(
      "statement 1 of 3 (CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE 'lake_cu…) was not accepted: ValidationException: Workgroup event-lake-test-warehouse not found",
    );
    expect(executed()).toHaveLength(1);
  });

  it("cancels a statement still running at the timeout, fails, and runs nothing after it", async () => {
    // Prepare
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "STARTED" });
    redshift.on(CancelStatementCommand).resolves({ Status: true });
    const run = options({ timeoutMs: 10_000 });

    // Act
    const result = runSchemaSql(run);

    // Assess
    await expect(result).rejects.toThrow(
      "statement 1 of 3 (CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE 'lake_cu…) did not finish within 10 s (last status STARTED); it was cancelled",
    );
    expect(run.sleeps).toEqual([250, 500, 1_000, 2_000, 4_000, 2_250]);
    expect(redshift.commandCalls(CancelStatementCommand).map((c) => c.args[0].input)).toEqual([{ Id: "s1" }]);
    expect(executed()).toHaveLength(1);
  });

  it("still fails with the timeout when the cancel itself fails, and says so", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "SUBMITTED" });
    redshift
      .on(CancelStatementCommand)
      .rejects(new Error("Could not cancel a query that is already in FINISHED"));
    const run = options({ sql: "SELECT 1", timeoutMs: 1_000 });

    await expect(runSchemaSql(run)).rejects.toThrow("did not finish within 1 s (last status SUBMITTED)");
    expect(run.lines).toContain(
      "  could not cancel s1: Could not cancel a query that is already in FINISHED",
    );
  });
});

describe("runSchemaSql: the result of the closing SELECT", () => {
  it("prints the SELECT's rows, every page, and returns them", async () => {
    // Prepare
    everyStatementFinishes();
    redshift
      .on(GetStatementResultCommand, { Id: "s3" })
      .resolvesOnce({
        ColumnMetadata: [{ name: "schemaname" }, { name: "databasename" }],
        Records: [[{ stringValue: "curated" }, { stringValue: "event_lake_test_curated" }]],
        NextToken: "page2",
      })
      .resolvesOnce({
        ColumnMetadata: [{ name: "schemaname" }, { name: "databasename" }],
        Records: [[{ stringValue: "curated_old" }, { isNull: true }]],
      });
    const run = options();

    // Act
    const outcomes = await runSchemaSql(run);

    // Assess
    expect(outcomes[2]?.result).toEqual({
      columns: ["schemaname", "databasename"],
      rows: [
        ["curated", "event_lake_test_curated"],
        ["curated_old", "NULL"],
      ],
    });
    expect(redshift.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input)).toEqual([
      { Id: "s3", NextToken: undefined },
      { Id: "s3", NextToken: "page2" },
    ]);
    expect(run.lines.slice(-5)).toEqual([
      "  finished in 0.3 s",
      "  schemaname  | databasename",
      "  ------------+------------------------",
      "  curated     | event_lake_test_curated",
      "  curated_old | NULL",
    ]);
    expect(outcomes[0]?.result).toBeUndefined();
  });

  it("says so when the result has no rows", () => {
    expect(formatTable({ columns: ["a"], rows: [] })).toEqual(["a", "-", "(no rows)"]);
  });

  it("turns each kind of field into text", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "FINISHED", HasResultSet: true });
    redshift.on(GetStatementResultCommand).resolves({
      ColumnMetadata: [{ name: "l" }, { name: "d" }, { name: "b" }, { label: "x" }, {}],
      Records: [
        [
          { longValue: 42 },
          { doubleValue: 1.5 },
          { booleanValue: false },
          { blobValue: new Uint8Array([1, 2, 3]) },
          { stringValue: "" },
        ],
      ],
    });

    const [outcome] = await runSchemaSql(options({ sql: "SELECT 1" }));

    expect(outcome?.result).toEqual({
      columns: ["l", "d", "b", "x", "column5"],
      rows: [["42", "1.5", "false", "<3 bytes>", ""]],
    });
  });
});

describe("runSchemaSql: invalid options", () => {
  it("reports every problem at once, before any call", async () => {
    await expect(
      runSchemaSql(
        options({
          target: { workgroupName: "" },
          database: "",
          secretArn: "lake_admin",
          sql: "-- nothing",
          timeoutMs: 0,
          maxPollMs: Number.NaN,
        }),
      ),
    ).rejects.toThrow(
      'runSchemaSql: target: give exactly one of a non-empty workgroupName or clusterIdentifier; database: must not be empty; secretArn: "lake_admin" is not a Secrets Manager secret ARN; timeoutMs: must be a positive number of milliseconds, got 0; maxPollMs: must be a positive number of milliseconds, got NaN; sql: has no statement',
    );
    expect(redshift.calls()).toHaveLength(0);
  });

  it("refuses a target naming both a workgroup and a cluster, and SQL that does not split", async () => {
    const both = { workgroupName: "w", clusterIdentifier: "c" } as unknown as SchemaRunOptions["target"];

    await expect(runSchemaSql(options({ target: both, sql: "SELECT 'open" }))).rejects.toThrow(
      "runSchemaSql: target: give exactly one of a non-empty workgroupName or clusterIdentifier; sql: unterminated string literal starting on line 1",
    );
  });
});
