import { describe, expect, it } from "vitest";
import { configFromEnv, declaredTablesFrom } from "./config.js";

const ENV = {
  CRAWLERS: '{"drop":"c-drop","raw":"c-raw","curated":"c-curated"}',
  DATABASES: '{"drop":"d_drop","raw":"d_raw","curated":"d_curated"}',
  RAW_BUCKET: "raw",
  CURATED_BUCKET: "curated",
  LEDGER_TABLE: "runs",
  ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:111111111111:alerts",
  TRANSFORMS: '{"orders":{"kind":"state-machine","arn":"arn:sfn"},"clicks":{"kind":"glue-job","name":"job"}}',
};

describe("configFromEnv", () => {
  it("reads the environment CrawlerChain deploys, with the documented defaults", () => {
    expect(configFromEnv(ENV)).toEqual({
      crawlers: { drop: "c-drop", raw: "c-raw", curated: "c-curated" },
      databases: { drop: "d_drop", raw: "d_raw", curated: "d_curated" },
      rawBucket: "raw",
      curatedBucket: "curated",
      ledgerTable: "runs",
      alertsTopicArn: "arn:aws:sns:eu-west-1:111111111111:alerts",
      transforms: {
        orders: { kind: "state-machine", arn: "arn:sfn" },
        clicks: { kind: "glue-job", name: "job" },
      },
      maxDatesPerRun: 31,
      staleClaimSeconds: 21_600,
    });
    expect(configFromEnv({ ...ENV, MAX_DATES_PER_RUN: "5", STALE_CLAIM_SECONDS: "60" })).toMatchObject({
      maxDatesPerRun: 5,
      staleClaimSeconds: 60,
    });
  });

  it("names every bad variable at once", () => {
    expect(() =>
      configFromEnv({
        ...ENV,
        CRAWLERS: '{"drop":"c-drop","raw":""}',
        DATABASES: "not json",
        RAW_BUCKET: undefined,
        TRANSFORMS: '{"orders":{"kind":"lambda"}}',
        MAX_DATES_PER_RUN: "0",
        STALE_CLAIM_SECONDS: "1.5",
      }),
    ).toThrow(
      "orchestrator configuration: CRAWLERS.raw: must be a non-empty string; CRAWLERS.curated: must be a non-empty string; " +
        "DATABASES: is not JSON; RAW_BUCKET: must be a non-empty string; " +
        'TRANSFORMS.orders.kind: must be "state-machine" or "glue-job"; ' +
        'MAX_DATES_PER_RUN: "0" must be a whole number 1-100; STALE_CLAIM_SECONDS: "1.5" must be a whole number >= 60',
    );
    expect(() => configFromEnv({ ...ENV, TRANSFORMS: "" })).toThrow(
      "orchestrator configuration: TRANSFORMS: is not set",
    );
  });
});

describe("declaredTablesFrom: the tables handlers/build.ts bakes into the bundle", () => {
  it("returns well-formed tables as they are", () => {
    const tables = {
      orders: {
        raw: [{ name: "order_id", type: "string" }],
        curated: [{ name: "ingest_date", type: "date" }],
      },
    };
    expect(declaredTablesFrom(tables)).toEqual(tables);
  });

  it("says the module was not bundled when the placeholder is still undefined", () => {
    expect(() => declaredTablesFrom(undefined)).toThrow(
      "orchestrator: no declared tables in this module: the Lambda runs the bundle handlers/build.ts writes (make handlers), which bakes them in",
    );
  });

  it("names every malformed field", () => {
    expect(() =>
      declaredTablesFrom({
        orders: { raw: [{ name: "order_id" }], curated: "x" },
        "Bad-Name": { raw: [], curated: [] },
      }),
    ).toThrow(
      "orchestrator declared tables: orders.raw.0.type: must be a non-empty string; orders.curated: must be a list of columns; Bad-Name: is not a pipeline name",
    );
  });
});
