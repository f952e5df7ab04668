import { describe, expect, it } from "vitest";
import { curatedStateMachineDefinition, STATE_NAMES as S } from "../../modules/curated-stage/definition.js";
import orders from "../pipelines/definitions/orders.js";
import { insertFormatTemplate, insertStatement } from "../sql/statements.js";
import { type Json, resolve, select, walk } from "./asl.js";

// The curated stage's real definition, walked with recording stand-ins for its tasks.
const tables = {
  raw: { database: "lake_raw", table: "orders" },
  curated: { database: "lake_curated", table: "orders" },
};
const { template, dateArguments } = insertFormatTemplate(orders, tables);
const definition = curatedStateMachineDefinition({
  pipeline: "orders",
  queryTemplate: template,
  dateArguments,
  workgroup: "lake",
  database: "lake_curated",
  curatedCrawler: "crawl-curated",
  ledgerTable: "runs",
  alertsTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
});
const ATHENA = "arn:aws:states:::athena:startQueryExecution.sync";
const NOW = () => new Date("2026-11-22T06:00:00.000Z");

function recorder(fail?: string) {
  const calls: [string, Json][] = [];
  const task =
    (resource: string) =>
    async (parameters: Json): Promise<Json> => {
      calls.push([resource, parameters]);
      if (resource === fail) throw new Error("boom");
      return resource === ATHENA ? { QueryExecution: { QueryExecutionId: `q-${calls.length}` } } : {};
    };
  const resources = [
    ATHENA,
    "arn:aws:states:::dynamodb:updateItem",
    "arn:aws:states:::aws-sdk:glue:startCrawler",
    "arn:aws:states:::dynamodb:putItem",
    "arn:aws:states:::sns:publish",
  ];
  return { calls, tasks: Object.fromEntries(resources.map((r) => [r, task(r)])) };
}

describe("walking the curated stage's ASL", () => {
  it("runs one INSERT per ingest date, records each date, crawls curated and records the run", async () => {
    const { calls, tasks } = recorder();

    const result = await walk(
      definition,
      { pipeline: "orders", runId: "r1", ingestDates: ["2026-11-20", "2026-11-21"] },
      tasks,
      NOW,
    );

    expect(result.status).toBe("SUCCEEDED");
    expect(result.trace).toEqual([
      S.map,
      S.insert,
      S.recordDate,
      S.insert,
      S.recordDate,
      S.crawl,
      S.recordRun,
      S.done,
    ]);
    expect(calls.map(([r]) => r.split(":::")[1])).toEqual([
      "athena:startQueryExecution.sync",
      "dynamodb:updateItem",
      "athena:startQueryExecution.sync",
      "dynamodb:updateItem",
      "aws-sdk:glue:startCrawler",
      "dynamodb:putItem",
    ]);
    // States.Format fills the template exactly as the SQL builder renders the statement.
    const query = calls[0]?.[1] as { QueryString: string } | undefined;
    expect(query?.QueryString).toBe(
      insertStatement(orders, tables, { date: "2026-11-20" }).replace(/\s*\n\s*/g, " "),
    );
    expect(calls[1]?.[1]).toMatchObject({
      TableName: "runs",
      Key: { pk: { S: "transform#orders#2026-11-20" } },
      ExpressionAttributeValues: {
        ":done": { S: "succeeded" },
        ":at": { S: "2026-11-22T06:00:00.000Z" },
        ":query": { S: "q-1" },
      },
    });
    expect(calls[4]?.[1]).toEqual({ Name: "crawl-curated" });
    expect(calls[5]?.[1]).toMatchObject({
      Item: { pk: { S: "run#r1" }, status: { S: "succeeded" }, pipeline: { S: "orders" } },
    });
  });

  it("takes the failure path: alert, record the failed run, end Failed", async () => {
    const { calls, tasks } = recorder(ATHENA);

    const result = await walk(
      definition,
      { pipeline: "orders", runId: "r2", ingestDates: ["2026-11-21"] },
      tasks,
      NOW,
    );

    expect(result.status).toBe("FAILED");
    expect(result.error?.Error).toBe("CuratedTransformFailed");
    expect(result.trace.slice(-3)).toEqual([S.alert, S.recordFailure, S.failed]);
    const alert = calls.find(([r]) => r.endsWith("sns:publish"))?.[1] as {
      Message: string;
      TopicArn: string;
    };
    expect(alert.TopicArn).toBe("arn:aws:sns:us-east-1:123456789012:alerts");
    expect(alert.Message).toMatch(
      /^Curated transform of orders \(run r2\) failed: \{"Error":"States.TaskFailed","Cause":"boom"\}$/,
    );
  });

  it("resolves paths, context paths and nested intrinsics", () => {
    const context = { State: { EnteredTime: "t" }, Map: { Item: { Value: "v" } } };
    expect(select({ a: { b: 1 } }, "$.a.b", context)).toBe(1);
    expect(
      resolve(
        { "x.$": "$$.Map.Item.Value", y: { "z.$": "States.Format('{}-{}', $.a, 'b')" } },
        { a: 1 },
        context,
      ),
    ).toEqual({
      x: "v",
      y: { z: "1-b" },
    });
    expect(() => select({}, "$.missing", context)).toThrow("the path $.missing matches nothing");
  });
});
