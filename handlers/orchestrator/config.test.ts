import { describe, expect, it } from "vitest";
import { configFromEnv, declaredTablesFrom } from "./config.js";

const ENV = {
  CRAWLERS: '{"drop":"c-drop","raw":"c-raw","curated":"c-curated"}',
  DATABASES: '{"drop":"d_drop","raw":"d_raw","curated":"d_curated"}',
  RAW_BUCKET: "raw",
  CURATED_BUCKET: "curated",
  LEDGER_TABLE: "runs",
  ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:111111111111:alerts",
  TRANSFORMS: '{"orders":"s:orders","clicks":"g:clicks"}',
  TRANSFORM_NAME_PREFIX: "lake-curated-",
  STATE_MACHINE_ARN_PREFIX: "arn:aws-us-gov:states:us-gov-west-1:111111111111:stateMachine:",
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
        orders: {
          kind: "state-machine",
          arn: "arn:aws-us-gov:states:us-gov-west-1:111111111111:stateMachine:lake-curated-orders",
        },
        clicks: { kind: "glue-job", name: "lake-curated-clicks" },
      },
      maxDatesPerRun: 31,
      staleClaimSeconds: 21_600,
    });
    expect(configFromEnv({ ...ENV, MAX_DATES_PER_RUN: "5", STALE_CLAIM_SECONDS: "60" })).toMatchObject({
      maxDatesPerRun: 5,
      staleClaimSeconds: 60,
    });
  });

  it("reads whole names when there is no common name prefix, and needs no ARN prefix without state machines", () => {
    expect(
      configFromEnv({
        ...ENV,
        TRANSFORMS: '{"orders":"s:m","clicks":"g:lake-job-clicks"}',
        TRANSFORM_NAME_PREFIX: undefined,
      }).transforms,
    ).toEqual({
      orders: {
        kind: "state-machine",
        arn: "arn:aws-us-gov:states:us-gov-west-1:111111111111:stateMachine:m",
      },
      clicks: { kind: "glue-job", name: "lake-job-clicks" },
    });
    expect(
      configFromEnv({ ...ENV, TRANSFORMS: '{"clicks":"g:clicks"}', STATE_MACHINE_ARN_PREFIX: undefined })
        .transforms,
    ).toEqual({ clicks: { kind: "glue-job", name: "lake-curated-clicks" } });
    // a name that is all prefix (one transform, cut at its last separator by CrawlerChain, never empty)
    expect(configFromEnv({ ...ENV, TRANSFORMS: '{"orders":"s:"}' }).transforms).toEqual({
      orders: {
        kind: "state-machine",
        arn: "arn:aws-us-gov:states:us-gov-west-1:111111111111:stateMachine:lake-curated-",
      },
    });
  });

  it("names every bad variable at once", () => {
    expect(() =>
      configFromEnv({
        ...ENV,
        CRAWLERS: '{"drop":"c-drop","raw":""}',
        DATABASES: "not json",
        RAW_BUCKET: undefined,
        TRANSFORMS: '{"orders":{"kind":"state-machine","arn":"arn:sfn"},"clicks":"x:job","invoices":"s:i"}',
        STATE_MACHINE_ARN_PREFIX: "arn:aws:states:eu-west-1:111111111111:",
        MAX_DATES_PER_RUN: "0",
        STALE_CLAIM_SECONDS: "1.5",
      }),
    ).toThrow(
      "orchestrator configuration: CRAWLERS.raw: must be a non-empty string; CRAWLERS.curated: must be a non-empty string; " +
        "DATABASES: is not JSON; RAW_BUCKET: must be a non-empty string; " +
        'TRANSFORMS.orders: must be "s:<state machine name>" or "g:<Glue job name>" (the name after TRANSFORM_NAME_PREFIX), got {"kind":"state-machine","arn":"arn:sfn"}; ' +
        'TRANSFORMS.clicks: must be "s:<state machine name>" or "g:<Glue job name>" (the name after TRANSFORM_NAME_PREFIX), got "x:job"; ' +
        'STATE_MACHINE_ARN_PREFIX: must be "arn:<partition>:states:<region>:<account>:stateMachine:" (the state machines of invoices), got "arn:aws:states:eu-west-1:111111111111:"; ' +
        'MAX_DATES_PER_RUN: "0" must be a whole number 1-100; STALE_CLAIM_SECONDS: "1.5" must be a whole number >= 60',
    );
    expect(() => configFromEnv({ ...ENV, TRANSFORMS: "" })).toThrow(
      "orchestrator configuration: TRANSFORMS: is not set",
    );
    expect(() =>
      configFromEnv({
        ...ENV,
        TRANSFORMS: '{"orders":"s:"}',
        TRANSFORM_NAME_PREFIX: "",
        STATE_MACHINE_ARN_PREFIX: "",
      }),
    ).toThrow(
      'orchestrator configuration: TRANSFORMS.orders: must be "s:<state machine name>" or "g:<Glue job name>" (the name after TRANSFORM_NAME_PREFIX), got "s:"',
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
