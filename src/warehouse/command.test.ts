import { readFileSync } from "node:fs";
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EXTERNAL_SCHEMA_SQL_FILE } from "../../modules/warehouse/warehouse.js";
import { ConfigError, type EnvironmentConfig, loadConfig } from "../config/index.js";
import { TerraformError } from "../terraform/run.js";
import { synthApp } from "../testing/synth.js";
import {
  LOCAL_HAS_NO_WAREHOUSE,
  SCHEMA_OUTPUTS,
  SECRET_ACCESS_HINT,
  schemaInputs,
  type TerraformOutputs,
  WAREHOUSE_SCHEMA_USAGE,
  type WarehouseSchemaDeps,
  warehouseSchemaCommand,
} from "./command.js";
import { splitSqlStatements } from "./split-statements.js";

const redshift = mockClient(RedshiftDataClient);
const SECRET =
  "arn:aws:secretsmanager:eu-west-1:111111111111:secret:redshift!event-lake-test-warehouse-admin-AbCdEf";
const SQL =
  "-- two statements\nCREATE SCHEMA IF NOT EXISTS reporting;\nSELECT schemaname FROM svv_external_schemas WHERE schemaname = 'curated';\n";

const serverlessOutputs: TerraformOutputs = {
  vpc_id: { value: "vpc-1" },
  [SCHEMA_OUTPUTS.sql]: { value: SQL },
  [SCHEMA_OUTPUTS.database]: { value: "lake" },
  [SCHEMA_OUTPUTS.secretArn]: { value: SECRET },
  [SCHEMA_OUTPUTS.workgroup]: { value: "event-lake-test-warehouse" },
};

/** The command with the real config (no shell overrides unless given), fake Terraform, a mocked client, a fake clock. */
function run(
  argv: string[],
  outputs: TerraformOutputs | Error = serverlessOutputs,
  configEnv: Record<string, string> = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const calls = { readOutputs: [] as string[], clients: [] as string[] };
  let time = 0;
  const deps: WarehouseSchemaDeps = {
    config: () => loadConfig({ env: configEnv }),
    readOutputs: async (name) => {
      calls.readOutputs.push(name);
      if (outputs instanceof Error) throw outputs;
      return outputs;
    },
    client: (env) => {
      calls.clients.push(env.name);
      return new RedshiftDataClient({ region: env.region });
    },
    sleep: async (ms) => {
      time += ms;
    },
    now: () => time,
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
  };
  return { code: warehouseSchemaCommand(argv, deps), out, err, calls };
}

function env(overrides: Partial<EnvironmentConfig["features"]> = {}): EnvironmentConfig {
  const test = loadConfig({ env: {} }).environments.test;
  return { ...test, features: { ...test.features, ...overrides } };
}

beforeEach(() => {
  redshift.reset();
});

describe("warehouse/schema: no warehouse in this stack", () => {
  it("ENV=local stops with one sentence on moto's missing Redshift Serverless, exit 1, before reading any output", async () => {
    // Act
    const { code, out, err, calls } = run(["local"]);

    // Assess
    expect(await code).toBe(1);
    expect(err).toEqual([
      "ENV=local has no warehouse: moto has no Redshift Serverless (and its provisioned cluster lacks what the provider's waiter needs), so the local stack leaves Redshift out; see docs/local-gaps.md.",
    ]);
    expect(err[0]).toBe(LOCAL_HAS_NO_WAREHOUSE);
    expect(out).toEqual([]);
    expect(calls).toEqual({ readOutputs: [], clients: [] });
  });

  it('features.redshift "off": says there is no warehouse, exit 1, no client', async () => {
    const { code, err, calls } = run(
      ["test"],
      { vpc_id: { value: "vpc-1" } },
      {
        EVENT_LAKE_TEST_FEATURES_REDSHIFT: "off",
      },
    );

    expect(await code).toBe(1);
    expect(err).toEqual([
      'ENV=test has no warehouse: features.redshift is "off" in its config, so there is no Redshift to create the external schema in.',
    ]);
    expect(calls).toEqual({ readOutputs: ["test"], clients: [] });
  });

  it("a stack never applied: no outputs at all", () => {
    expect(schemaInputs(env(), {})).toBe(
      "ENV=test has no Terraform outputs: apply the current stack first (make tf/plan ENV=test, then make tf/apply ENV=test).",
    );
  });

  it("Redshift on in the config but not in the applied stack: apply first", () => {
    expect(schemaInputs(env({ redshift: "provisioned" }), { vpc_id: { value: "vpc-1" } })).toBe(
      `ENV=test's applied stack has no warehouse although features.redshift is "provisioned": apply the current stack first (make tf/plan ENV=test, then make tf/apply ENV=test).`,
    );
  });

  it("some warehouse outputs missing or empty: names them", () => {
    const outputs = {
      [SCHEMA_OUTPUTS.database]: { value: "lake" },
      [SCHEMA_OUTPUTS.secretArn]: { value: "" },
    };

    expect(schemaInputs(env(), outputs)).toBe(
      "ENV=test's applied stack lacks the outputs redshift_external_schema_sql, redshift_admin_secret_arn, redshift_workgroup_name or redshift_cluster_identifier: apply the current stack first (make tf/plan ENV=test, then make tf/apply ENV=test).",
    );
    expect(schemaInputs(env(), { ...serverlessOutputs, [SCHEMA_OUTPUTS.sql]: { value: 42 } })).toBe(
      "ENV=test's applied stack lacks the output redshift_external_schema_sql: apply the current stack first (make tf/plan ENV=test, then make tf/apply ENV=test).",
    );
  });
});

describe("warehouse/schema: the outputs it reads", () => {
  it("are what the synthesized stacks declare: a workgroup with Serverless (test), a cluster when provisioned", async () => {
    // Prepare
    const { stacks, config } = await synthApp({
      environments: ["test", "sandbox"],
      env: { EVENT_LAKE_SANDBOX_FEATURES_REDSHIFT: "provisioned" },
    });

    // Act
    const test = schemaInputs(config.environments.test, stacks["test"]?.output ?? {});
    const sandbox = schemaInputs(config.environments.sandbox, stacks["sandbox"]?.output ?? {});

    // Assess: Terraform expressions until applied, but every output is there and the SQL splits.
    expect(test).toMatchObject({
      target: { workgroupName: expect.stringMatching(/^\$\{aws_redshiftserverless/) },
    });
    expect(sandbox).toMatchObject({
      target: { clusterIdentifier: expect.stringMatching(/^\$\{aws_redshift_cluster/) },
    });
    for (const inputs of [test, sandbox]) {
      if (typeof inputs === "string") throw new Error(inputs);
      expect(inputs.database).toBe("lake");
      expect(inputs.secretArn).toMatch(/^\$\{/);
      expect(splitSqlStatements(inputs.sql)).toHaveLength(3);
    }
  });

  it("the shipped SQL is idempotent by construction: every CREATE says IF NOT EXISTS", () => {
    const statements = splitSqlStatements(readFileSync(EXTERNAL_SCHEMA_SQL_FILE, "utf8"));
    const creates = statements.filter((s) => /^CREATE\b/i.test(s));

    expect(creates).toHaveLength(2);
    for (const create of creates) expect(create).toMatch(/^CREATE (EXTERNAL )?SCHEMA IF NOT EXISTS /);
    expect(statements.at(-1)).toMatch(/^SELECT /);
  });
});

describe("warehouse/schema: running", () => {
  it("runs the stack's SQL on its workgroup as the admin secret, prints the check's rows, exit 0", async () => {
    // Prepare
    redshift.on(ExecuteStatementCommand).resolvesOnce({ Id: "s1" }).resolvesOnce({ Id: "s2" });
    redshift.on(DescribeStatementCommand, { Id: "s1" }).resolves({ Status: "FINISHED" });
    redshift.on(DescribeStatementCommand, { Id: "s2" }).resolves({ Status: "FINISHED", HasResultSet: true });
    redshift.on(GetStatementResultCommand).resolves({
      ColumnMetadata: [{ name: "schemaname" }],
      Records: [[{ stringValue: "curated" }]],
    });

    // Act
    const { code, out, err, calls } = run(["test"]);

    // Assess
    expect(await code).toBe(0);
    expect(redshift.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input)).toEqual([
      {
        WorkgroupName: "event-lake-test-warehouse",
        Database: "lake",
        SecretArn: SECRET,
        Sql: "CREATE SCHEMA IF NOT EXISTS reporting",
        WithEvent: false,
      },
      {
        WorkgroupName: "event-lake-test-warehouse",
        Database: "lake",
        SecretArn: SECRET,
        Sql: "SELECT schemaname FROM svv_external_schemas WHERE schemaname = 'curated'",
        WithEvent: false,
      },
    ]);
    expect(out).toEqual([
      "ENV=test: the external-schema SQL on workgroup event-lake-test-warehouse, database lake, as the admin user (idempotent: every CREATE says IF NOT EXISTS)",
      "[1/2] CREATE SCHEMA IF NOT EXISTS reporting",
      "  finished in 0.3 s",
      "[2/2] SELECT schemaname FROM svv_external_schemas WHERE schemaname = 'curated'",
      "  finished in 0.3 s",
      "  schemaname",
      "  ----------",
      "  curated",
      "done: ENV=test's warehouse has the curated external schema over the curated Glue database",
    ]);
    expect(err).toEqual([]);
    expect(calls).toEqual({ readOutputs: ["test"], clients: ["test"] });
  });

  it("targets the cluster when the stack is provisioned", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "FINISHED" });
    const { [SCHEMA_OUTPUTS.workgroup]: _, ...rest } = serverlessOutputs;

    const { code, out } = run(["sandbox"], {
      ...rest,
      [SCHEMA_OUTPUTS.cluster]: { value: "event-lake-sandbox-warehouse" },
    });

    expect(await code).toBe(0);
    expect(redshift.commandCalls(ExecuteStatementCommand)[0]?.args[0].input).toMatchObject({
      ClusterIdentifier: "event-lake-sandbox-warehouse",
      Database: "lake",
      SecretArn: SECRET,
    });
    expect(redshift.commandCalls(ExecuteStatementCommand)[0]?.args[0].input).not.toHaveProperty(
      "WorkgroupName",
    );
    expect(out[0]).toBe(
      "ENV=sandbox: the external-schema SQL on cluster event-lake-sandbox-warehouse, database lake, as the admin user (idempotent: every CREATE says IF NOT EXISTS)",
    );
  });

  it("a failed statement: its error, the secret hint when it is about the secret or its key, exit 1", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({
      Status: "FAILED",
      Error: "Access to KMS is not allowed (Service: SecretsManager)",
    });

    const { code, err, out } = run(["test"]);

    expect(await code).toBe(1);
    expect(err).toEqual([
      "statement 1 of 2 (CREATE SCHEMA IF NOT EXISTS reporting) failed: Access to KMS is not allowed (Service: SecretsManager)",
      SECRET_ACCESS_HINT,
    ]);
    expect(out.at(-1)).toBe("[1/2] CREATE SCHEMA IF NOT EXISTS reporting");
    expect(redshift.commandCalls(ExecuteStatementCommand)).toHaveLength(1);
  });

  it("a failed statement about something else gets no secret hint", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift
      .on(DescribeStatementCommand)
      .resolves({ Status: "FAILED", Error: 'ERROR: syntax error at or near "SCHEM"' });

    const { code, err } = run(["test"]);

    expect(await code).toBe(1);
    expect(err).toEqual([
      'statement 1 of 2 (CREATE SCHEMA IF NOT EXISTS reporting) failed: ERROR: syntax error at or near "SCHEM"',
    ]);
  });

  it("--timeout SECONDS bounds each statement", async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    redshift.on(DescribeStatementCommand).resolves({ Status: "STARTED" });

    const { code, err } = run(["test", "--timeout", "2"]);

    expect(await code).toBe(1);
    expect(err).toEqual([
      "statement 1 of 2 (CREATE SCHEMA IF NOT EXISTS reporting) did not finish within 2 s (last status STARTED); it was cancelled",
    ]);
  });
});

describe("warehouse/schema: usage, config and Terraform errors", () => {
  it("exit 2 with the usage for a missing or unknown ENV, a bad --timeout or an unknown option", async () => {
    for (const [argv, first] of [
      [[], WAREHOUSE_SCHEMA_USAGE],
      [["prod"], WAREHOUSE_SCHEMA_USAGE],
      [["test", "sandbox"], WAREHOUSE_SCHEMA_USAGE],
      [["test", "--timeout", "0"], '--timeout takes a positive number of seconds, got "0"'],
      [["test", "--timeout"], '--timeout takes a positive number of seconds, got ""'],
      [["test", "--force"], "unknown option --force"],
    ] as const) {
      const { code, err, calls } = run([...argv]);
      expect(await code).toBe(2);
      expect(err[0]?.split("\n")[0]).toBe(first.split("\n")[0]);
      expect(calls.readOutputs).toEqual([]);
    }
  });

  it("exit 2 with the config's own message when the config is invalid", async () => {
    const { code, err } = run(["test"], serverlessOutputs, {
      EVENT_LAKE_TEST_FEATURES_REDSHIFT: "sometimes",
    });

    expect(await code).toBe(2);
    expect(err[0]).toMatch(/^Invalid event-lake config .*\n {2}- .*redshift/s);
    expect(() => loadConfig({ env: { EVENT_LAKE_TEST_FEATURES_REDSHIFT: "sometimes" } })).toThrow(
      ConfigError,
    );
  });

  it("exit 2 with Terraform's message when the outputs cannot be read", async () => {
    const { code, err } = run(
      ["test"],
      new TerraformError("terraform output in cdktf.out/stacks/test failed (exit 1)"),
    );

    expect(await code).toBe(2);
    expect(err).toEqual(["terraform output in cdktf.out/stacks/test failed (exit 1)"]);
  });
});
