import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformStack, Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { parseAthena } from "../../src/sql/parser.js";
import { namedQueries } from "../../src/sql/statements.js";
import { maskHashes, resourceAt, resourcesOf, synthApp } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZoneBucket, type ZoneBucketProps } from "../zone-bucket/index.js";
import { ATHENA_WORKGROUP_DEFAULTS, AthenaWorkgroup, type AthenaWorkgroupProps } from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;

function synth(
  props: Partial<Omit<AthenaWorkgroupProps, "context" | "results">> = {},
  options: {
    results?: Partial<ZoneBucketProps>;
    wire?: (workgroup: AthenaWorkgroup, stack: TerraformStack) => void;
  } = {},
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const results = new ZoneBucket(stack, "results", {
    context,
    zone: "athena-results",
    bucketName: "lake-athena-results-111111111111",
    ...options.results,
  });
  const workgroup = new AthenaWorkgroup(stack, "analysts", {
    context,
    name: "lake-analysts",
    results,
    ...props,
  });
  options.wire?.(workgroup, stack);
  const json = maskHashes(JSON.parse(Testing.synth(stack))) as { resource: Block; data: Block };
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = json[kind][type]?.[id];
    if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(json[kind][type] ?? {}).join(", ")}`);
    const { "//": _metadata, ...rest } = found;
    return rest;
  };
  return { json, one, workgroup };
}

describe("AthenaWorkgroup secure defaults", () => {
  const { one, workgroup } = synth();

  it("enforces engine 3, SSE-KMS results under its own prefix with the results zone's key, a 10 GiB cutoff and metrics", () => {
    expect(one("resource", "aws_athena_workgroup", "analysts_workgroup")).toEqual({
      name: "lake-analysts",
      state: "ENABLED",
      force_destroy: false,
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        bytes_scanned_cutoff_per_query: 10_737_418_240,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: "s3://${aws_s3_bucket.results_bucket.bucket}/lake-analysts/",
          encryption_configuration: {
            encryption_option: "SSE_KMS",
            kms_key_arn: "${aws_kms_key.results_key.arn}",
          },
          expected_bucket_owner: "${data.aws_caller_identity.context_identity.account_id}",
        },
      },
    });
    expect(workgroup.resultsPrefix).toBe("lake-analysts/");
  });
});

describe("AthenaWorkgroup options", () => {
  it("takes a description, a results prefix and the 100 GiB cutoff the lake's transforms run with", () => {
    const { one, workgroup } = synth({
      description: "Curated transforms",
      resultsPrefix: "transforms/",
      bytesScannedCutoffPerQuery: 100 * 1024 ** 3,
    });
    const resource = one("resource", "aws_athena_workgroup", "analysts_workgroup");
    const configuration = resource["configuration"] as Record<string, Record<string, unknown>>;
    expect(resource["description"]).toBe("Curated transforms");
    expect(configuration["bytes_scanned_cutoff_per_query"]).toBe(107_374_182_400);
    expect(configuration["result_configuration"]?.["output_location"]).toBe(
      "s3://${aws_s3_bucket.results_bucket.bucket}/transforms/",
    );
    expect(workgroup.resultsPrefix).toBe("transforms/");
  });

  it("accepts Athena's floor of 10 MB", () => {
    const { one } = synth({ bytesScannedCutoffPerQuery: 10 * 1024 ** 2 });
    expect(
      (
        one("resource", "aws_athena_workgroup", "analysts_workgroup")["configuration"] as Record<
          string,
          unknown
        >
      )["bytes_scanned_cutoff_per_query"],
    ).toBe(10_485_760);
  });

  it("force-destroys only with both opt-ins", () => {
    const force = (forceDestroy: AthenaWorkgroupProps["forceDestroy"]) =>
      synth({ forceDestroy }).one("resource", "aws_athena_workgroup", "analysts_workgroup")["force_destroy"];
    expect(force({ enabled: true, acknowledgeQueryLoss: true })).toBe(true);
    expect(force({ enabled: false, acknowledgeQueryLoss: true })).toBe(false);
    expect(force(undefined)).toBe(false);
  });

  it("saves named queries in the workgroup, one per name", () => {
    const { one } = synth(
      {},
      {
        wire: (workgroup) => {
          workgroup.addNamedQuery({
            name: "orders-per-country",
            description: "Order lines per country",
            database: "lake_curated",
            sql: 'SELECT "country", COUNT(*) AS "n" FROM "lake_curated"."orders" GROUP BY "country"',
          });
          expect(() =>
            workgroup.addNamedQuery({
              name: "orders-per-country",
              description: "again",
              database: "d",
              sql: "SELECT 1",
            }),
          ).toThrow(new Error('AthenaWorkgroup: named query "orders-per-country" exists'));
        },
      },
    );
    expect(one("resource", "aws_athena_named_query", "analysts_query-orders-per-country")).toEqual({
      name: "orders-per-country",
      description: "Order lines per country",
      database: "lake_curated",
      query: 'SELECT "country", COUNT(*) AS "n" FROM "lake_curated"."orders" GROUP BY "country"',
      workgroup: "${aws_athena_workgroup.analysts_workgroup.name}",
    });
  });

  it("holds the lake's named queries: one transform and three examples per pipeline, each valid Trino SQL", () => {
    // prepare: the queries the analytics stack adds, per pipeline
    const tables = (name: string) => ({
      raw: { database: "lake_raw", table: name },
      curated: { database: "lake_curated", table: name },
    });
    const queries = [orders, clickstream].flatMap((p) => namedQueries(p, tables(p.name)));

    // act
    const { json } = synth(
      {},
      {
        wire: (workgroup) => {
          for (const q of queries) workgroup.addNamedQuery(q);
        },
      },
    );

    // assess
    const saved = Object.values(json.resource["aws_athena_named_query"] ?? {});
    // (Terraform JSON lists resources by id, so compare sorted by name)
    const byName = (rows: unknown[][]) => [...rows].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(byName(saved.map((q) => [q["name"], q["database"]]))).toEqual(
      byName([
        ["orders-curated-transform", "lake_curated"],
        ["orders-transform-preview", "lake_raw"],
        ["orders-raw-rows-per-day", "lake_raw"],
        ["orders-curated-last-week", "lake_curated"],
        ["clickstream-curated-transform", "lake_curated"],
        ["clickstream-transform-preview", "lake_raw"],
        ["clickstream-raw-rows-per-day", "lake_raw"],
        ["clickstream-curated-last-week", "lake_curated"],
      ]),
    );
    expect(
      saved
        .filter((q) => String(q["query"]).startsWith("INSERT INTO"))
        .map((q) => q["name"])
        .sort(),
    ).toEqual(["clickstream-curated-transform", "orders-curated-transform"]);
    for (const q of saved) expect(() => parseAthena(String(q["query"]))).not.toThrow();
  });
});

describe("AthenaWorkgroup grants", () => {
  it("grants the Athena calls on this workgroup only, and read/write of its results prefix with the zone's key", () => {
    const { one } = synth(
      {},
      {
        wire: (workgroup, stack) => {
          const role = new IamRole(stack, "role", { name: "analyst", assumeRolePolicy: "{}" });
          workgroup.grantQuery(new RolePolicy(stack, "role-policy", { role }));
        },
      },
    );
    const statements = one("data", "aws_iam_policy_document", "role-policy_document")["statement"] as Record<
      string,
      unknown
    >[];
    expect(statements.slice(0, 2)).toEqual([
      {
        actions: [
          "athena:BatchGetNamedQuery",
          "athena:GetNamedQuery",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:GetWorkGroup",
          "athena:ListNamedQueries",
          "athena:ListQueryExecutions",
          "athena:StartQueryExecution",
          "athena:StopQueryExecution",
        ],
        resources: ["${aws_athena_workgroup.analysts_workgroup.arn}"],
      },
      { actions: ["s3:GetBucketLocation"], resources: ["${aws_s3_bucket.results_bucket.arn}"] },
    ]);
    const s3 = statements.slice(2).filter((s) => (s["actions"] as string[]).some((a) => a.startsWith("s3:")));
    expect(s3.flatMap((s) => s["resources"] as string[]).sort()).toEqual(
      [
        "${aws_s3_bucket.results_bucket.arn}/lake-analysts/*",
        "${aws_s3_bucket.results_bucket.arn}",
        "${aws_s3_bucket.results_bucket.arn}/lake-analysts/*",
      ].sort(),
    );
    expect(statements.flatMap((s) => s["actions"] as string[]).filter((a) => a.includes("*"))).toEqual([]);
  });
});

describe("AthenaWorkgroup in the lake (the analytics stack's two workgroups)", () => {
  let stack: Awaited<ReturnType<typeof synthApp>>["stacks"][string];
  beforeAll(async () => {
    stack = (await synthApp({ environments: ["test"] })).stacks["test"] as typeof stack;
  }, 120_000);

  it("gives the lake's workgroup a 100 GiB cutoff and the analysts' 10 GiB, both enforced on engine 3 with SSE-KMS", () => {
    const configuration = (path: string) =>
      resourceAt(stack, "aws_athena_workgroup", path)["configuration"] as Record<string, unknown>;
    for (const [path, cutoff] of [
      ["workgroup-lake/workgroup", 107_374_182_400],
      ["workgroup-analysts/workgroup", 10_737_418_240],
    ] as const)
      expect(configuration(path)).toMatchObject({
        bytes_scanned_cutoff_per_query: cutoff,
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS" } },
      });
  });

  it("saves each pipeline's transform in the lake's workgroup and its three examples in the analysts'", () => {
    const queries = Object.entries(resourcesOf(stack, "aws_athena_named_query")).map(([path, q]) => [
      path.split("/").at(-2),
      q["name"],
    ]);
    expect(queries.sort()).toEqual(
      [
        ["workgroup-lake", "orders-curated-transform"],
        ["workgroup-lake", "clickstream-curated-transform"],
        ["workgroup-lake", "airports-curated-transform"],
        ...["orders", "clickstream", "airports"].flatMap((p) =>
          ["transform-preview", "raw-rows-per-day", "curated-last-week"].map((q) => [
            "workgroup-analysts",
            `${p}-${q}`,
          ]),
        ),
      ].sort(),
    );
  });
});

describe("AthenaWorkgroup documented defaults", () => {
  it("pins its defaults", () => {
    expect(ATHENA_WORKGROUP_DEFAULTS).toEqual({
      bytesScannedCutoffPerQuery: 10_737_418_240,
      engineVersion: "Athena engine version 3",
      minimumCutoff: 10_485_760,
    });
  });
});

describe("AthenaWorkgroup rejects invalid props, naming each problem", () => {
  it.each([
    [
      { name: "lake analysts" },
      'AthenaWorkgroup lake analysts: name "lake analysts" must be 1-128 letters, digits, ".", "-" or "_"',
    ],
    [{ name: "" }, 'AthenaWorkgroup : name "" must be 1-128 letters, digits, ".", "-" or "_"'],
    [
      { bytesScannedCutoffPerQuery: 10_485_759 },
      "AthenaWorkgroup lake-analysts: bytesScannedCutoffPerQuery must be a whole number >= 10485760 (10 MB), got 10485759",
    ],
    [
      { bytesScannedCutoffPerQuery: 20_000_000.5 },
      "AthenaWorkgroup lake-analysts: bytesScannedCutoffPerQuery must be a whole number >= 10485760 (10 MB), got 20000000.5",
    ],
    [
      { resultsPrefix: "results" },
      'AthenaWorkgroup lake-analysts: resultsPrefix "results" must end with "/" and not start with one',
    ],
    [
      { resultsPrefix: "/results/" },
      'AthenaWorkgroup lake-analysts: resultsPrefix "/results/" must end with "/" and not start with one',
    ],
    [
      { forceDestroy: { enabled: true, acknowledgeQueryLoss: false } },
      "AthenaWorkgroup lake-analysts: forceDestroy.enabled needs forceDestroy.acknowledgeQueryLoss: true as well",
    ],
  ] as [Partial<AthenaWorkgroupProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  it("refuses a results zone without a KMS key", () => {
    expect(() => synth({}, { results: { encryption: "s3-managed" } as Partial<ZoneBucketProps> })).toThrow(
      new Error("AthenaWorkgroup lake-analysts: results zone athena-results has no KMS key"),
    );
  });
});
