import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { type TerraformResource, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import airports from "../../src/pipelines/definitions/airports.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { catalogTable } from "../../src/stacks/pipeline-props.js";
import { maskHashes } from "../../src/testing/synth.js";
import { AwsContext } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import {
  CATALOG_ZONES,
  GLUE_CATALOG_DEFAULTS,
  GlueCatalog,
  type GlueCatalogProps,
  projectionOf,
} from "./index.js";

type Block = Record<string, Record<string, Record<string, unknown>>>;
type Synthesized = { resource: Block; data: Block };

const ARN = "arn:${data.aws_partition.context_partition.partition}";
const REGION_ACCOUNT =
  "${data.aws_region.context_region.name}:${data.aws_caller_identity.context_identity.account_id}";

/** A stack with the three zones and a catalog of orders and clickstream, the way the analytics stack builds it. */
function synth(
  props: Partial<Omit<GlueCatalogProps, "context" | "zones">> = {},
  wire?: (catalog: GlueCatalog, stack: TerraformStack) => void,
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const zone = (name: "drop" | "raw" | "curated") =>
    new ZoneBucket(stack, `zone-${name}`, { context, zone: name, bucketName: `lake-${name}-111111111111` });
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: { drop: "lake_drop", raw: "lake_raw", curated: "lake_curated" },
    zones: { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") },
    securityConfigurationName: "lake-glue",
    tables: [orders, clickstream].map(catalogTable),
    ...props,
  });
  wire?.(catalog, stack);
  const unmasked = JSON.parse(Testing.synth(stack)) as Synthesized;
  const json = maskHashes(unmasked);
  const one = (kind: "resource" | "data", type: string, id: string) => {
    const found = json[kind][type]?.[id];
    if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(json[kind][type] ?? {}).join(", ")}`);
    const { "//": _metadata, ...rest } = found;
    return rest;
  };
  return { json, unmasked, one, catalog, stack };
}

/** Glue's Parquet storage descriptor of a table at `location` with these columns. */
const parquet = (location: string, columns: [string, string][]) => ({
  location,
  input_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  output_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  ser_de_info: {
    name: "parquet",
    serialization_library: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    parameters: { "serialization.format": "1" },
  },
  columns: columns.map(([name, type]) => ({ name, type })),
});

const keys = (...columns: [string, string][]) => columns.map(([name, type]) => ({ name, type }));

describe("GlueCatalog secure defaults", () => {
  const { one } = synth();

  it("has one database per zone, named as given, describing its bucket", () => {
    // prepare: the default catalog above. act: synthesized. assess:
    expect(one("resource", "aws_glue_catalog_database", "catalog_database-drop")).toEqual({
      name: "lake_drop",
      description: "event-lake drop zone (s3://${aws_s3_bucket.zone-drop_bucket.bucket}/)",
    });
    expect(one("resource", "aws_glue_catalog_database", "catalog_database-raw")).toEqual({
      name: "lake_raw",
      description: "event-lake raw zone (s3://${aws_s3_bucket.zone-raw_bucket.bucket}/)",
    });
    expect(one("resource", "aws_glue_catalog_database", "catalog_database-curated")).toEqual({
      name: "lake_curated",
      description: "event-lake curated zone (s3://${aws_s3_bucket.zone-curated_bucket.bucket}/)",
    });
  });

  it("runs crawlers and jobs with SSE-KMS S3 output (curated key), SSE-KMS logs and CSE-KMS bookmarks (catalog key)", () => {
    expect(one("resource", "aws_glue_security_configuration", "catalog_security-configuration")).toEqual({
      name: "lake-glue",
      encryption_configuration: {
        s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: "${aws_kms_key.zone-curated_key.arn}" },
        cloudwatch_encryption: {
          cloudwatch_encryption_mode: "SSE-KMS",
          kms_key_arn: "${aws_kms_key.catalog_key.arn}",
        },
        job_bookmarks_encryption: {
          job_bookmarks_encryption_mode: "CSE-KMS",
          kms_key_arn: "${aws_kms_key.catalog_key.arn}",
        },
      },
    });
  });

  it("gives the catalog a rotating key, aliased by the security configuration's name, with a 30-day deletion window", () => {
    expect(one("resource", "aws_kms_key", "catalog_key")).toEqual({
      description: "event-lake Glue logs and job bookmarks (lake-glue)",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      policy: "${data.aws_iam_policy_document.catalog_key-policy.json}",
    });
    expect(one("resource", "aws_kms_alias", "catalog_key-alias")).toEqual({
      name: "alias/lake-glue",
      target_key_id: "${aws_kms_key.catalog_key.key_id}",
    });
  });

  it("admits CloudWatch Logs to the key for /aws-glue/* log groups only, besides the account's administration", () => {
    const statements = one("data", "aws_iam_policy_document", "catalog_key-policy")["statement"] as Record<
      string,
      unknown
    >[];
    expect(statements.map((s) => s["sid"])).toEqual([
      "KeyAdministrationByAccount",
      "CloudWatchLogsEncryptGlueLogs",
    ]);
    expect(statements[1]).toEqual({
      sid: "CloudWatchLogsEncryptGlueLogs",
      principals: [
        {
          type: "Service",
          identifiers: [
            "logs.${data.aws_region.context_region.name}.${data.aws_partition.context_partition.dns_suffix}",
          ],
        },
      ],
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      resources: ["*"],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [`${ARN}:logs:${REGION_ACCOUNT}:log-group:/aws-glue/*`],
        },
      ],
    });
    expect(statements[0]?.["actions"]).not.toContain("kms:Decrypt");
  });
});

describe("GlueCatalog tables", () => {
  const { one, catalog } = synth();

  it("declares raw orders: declared columns minus the partition key, then _source_key and _source_line", () => {
    expect(one("resource", "aws_glue_catalog_table", "catalog_table-raw-orders")).toEqual({
      name: "orders",
      database_name: "${aws_glue_catalog_database.catalog_database-raw.name}",
      description: "Shop orders, one row per order line, pulled hourly as CSV (raw, Parquet)",
      table_type: "EXTERNAL_TABLE",
      // No projected values were given for country: no projection, the raw crawler registers partitions.
      parameters: { EXTERNAL: "TRUE", classification: "parquet" },
      partition_keys: keys(["ingest_date", "date"], ["country", "string"]),
      storage_descriptor: parquet("s3://${aws_s3_bucket.zone-raw_bucket.bucket}/orders/", [
        ["order_id", "bigint"],
        ["customer_id", "bigint"],
        ["sku", "string"],
        ["quantity", "int"],
        ["unit_price", "double"],
        ["ordered_at", "timestamp"],
        ["is_gift", "boolean"],
        ["_source_key", "string"],
        ["_source_line", "bigint"],
      ]),
    });
  });

  it("declares raw clickstream likewise, partitioned by ingest_date then event_type", () => {
    expect(one("resource", "aws_glue_catalog_table", "catalog_table-raw-clickstream")).toEqual({
      name: "clickstream",
      database_name: "${aws_glue_catalog_database.catalog_database-raw.name}",
      description: "Page views and clicks from the web collector, pushed as NDJSON files (raw, Parquet)",
      table_type: "EXTERNAL_TABLE",
      parameters: { EXTERNAL: "TRUE", classification: "parquet" },
      partition_keys: keys(["ingest_date", "date"], ["event_type", "string"]),
      storage_descriptor: parquet("s3://${aws_s3_bucket.zone-raw_bucket.bucket}/clickstream/", [
        ["event_id", "string"],
        ["session_id", "string"],
        ["page", "string"],
        ["duration_ms", "int"],
        ["occurred_at", "timestamp"],
        ["_source_key", "string"],
        ["_source_line", "bigint"],
      ]),
    });
  });

  it("declares curated orders from the transform's inferred output, the declared key it outputs as a partition", () => {
    expect(one("resource", "aws_glue_catalog_table", "catalog_table-curated-orders")).toEqual({
      name: "orders",
      database_name: "${aws_glue_catalog_database.catalog_database-curated.name}",
      description: "Shop orders, one row per order line, pulled hourly as CSV (curated, Parquet)",
      table_type: "EXTERNAL_TABLE",
      parameters: { EXTERNAL: "TRUE", classification: "parquet" },
      partition_keys: keys(["ingest_date", "date"], ["country", "string"]),
      storage_descriptor: parquet("s3://${aws_s3_bucket.zone-curated_bucket.bucket}/orders/", [
        ["sku", "string"],
        ["order_date", "date"],
        ["order_lines", "bigint"],
        ["units", "bigint"],
        ["revenue", "double"],
      ]),
    });
  });

  it("declares curated clickstream from its transform (COUNT bigint, AVG double)", () => {
    expect(one("resource", "aws_glue_catalog_table", "catalog_table-curated-clickstream")).toEqual({
      name: "clickstream",
      database_name: "${aws_glue_catalog_database.catalog_database-curated.name}",
      description: "Page views and clicks from the web collector, pushed as NDJSON files (curated, Parquet)",
      table_type: "EXTERNAL_TABLE",
      parameters: { EXTERNAL: "TRUE", classification: "parquet" },
      partition_keys: keys(["ingest_date", "date"], ["event_type", "string"]),
      storage_descriptor: parquet("s3://${aws_s3_bucket.zone-curated_bucket.bucket}/clickstream/", [
        ["page", "string"],
        ["event_date", "date"],
        ["events", "bigint"],
        ["sessions", "bigint"],
        ["avg_duration_ms", "double"],
      ]),
    });
  });

  it("says which raw tables are projected and why not", () => {
    expect(catalog.partitioning).toEqual({
      orders: { projected: false, unprojectable: ["country"] },
      clickstream: { projected: false, unprojectable: ["event_type"] },
    });
  });

  it("drops a declared key the transform aggregates away from the curated partitions", () => {
    const byDay: PipelineDeclaration = {
      ...orders,
      transform: { sql: "SELECT sku, COUNT(*) AS order_lines FROM {{raw}} GROUP BY sku" },
    };
    const { one } = synth({ tables: [catalogTable(byDay)] });
    const table = one("resource", "aws_glue_catalog_table", "catalog_table-curated-orders");
    expect(table["partition_keys"]).toEqual(keys(["ingest_date", "date"]));
    expect((table["storage_descriptor"] as Record<string, unknown>)["columns"]).toEqual(
      keys(["sku", "string"], ["order_lines", "bigint"]),
    );
  });
});

describe("GlueCatalog partition projection", () => {
  it("projects raw orders when country's values are given: ingest_date as a daily date from 2020-01-01, country as an enum", () => {
    const { one, catalog } = synth({ projectedValues: { orders: { country: ["DE", "FR", "NL"] } } });

    expect(one("resource", "aws_glue_catalog_table", "catalog_table-raw-orders")["parameters"]).toEqual({
      EXTERNAL: "TRUE",
      classification: "parquet",
      "projection.enabled": "true",
      "projection.ingest_date.type": "date",
      "projection.ingest_date.format": "yyyy-MM-dd",
      "projection.ingest_date.range": "2020-01-01,NOW",
      "projection.ingest_date.interval": "1",
      "projection.ingest_date.interval.unit": "DAYS",
      "projection.country.type": "enum",
      "projection.country.values": "DE,FR,NL",
    });
    // Curated tables are never projected: INSERT INTO registers their partitions.
    expect(one("resource", "aws_glue_catalog_table", "catalog_table-curated-orders")["parameters"]).toEqual({
      EXTERNAL: "TRUE",
      classification: "parquet",
    });
    expect(catalog.partitioning["orders"]).toEqual({ projected: true, unprojectable: [] });
    expect(catalog.partitioning["clickstream"]).toEqual({ projected: false, unprojectable: ["event_type"] });
  });

  it("starts the ingest_date range at projectionStartDate", () => {
    const { one } = synth({
      projectedValues: { orders: { country: ["DE"] } },
      projectionStartDate: "2026-01-01",
    });
    expect(
      one("resource", "aws_glue_catalog_table", "catalog_table-raw-orders")["parameters"] as Record<
        string,
        string
      >,
    ).toMatchObject({ "projection.ingest_date.range": "2026-01-01,NOW", "projection.country.values": "DE" });
  });

  it("projects a declared date key as a date, with no values needed", () => {
    const daily: PipelineDeclaration = {
      ...orders,
      schema: [...orders.schema, { name: "order_day", type: "date" }],
      partitionKeys: ["order_day"],
    };
    expect(projectionOf(catalogTable(daily).raw.partitionKeys, {}, "2024-02-29")).toEqual({
      parameters: {
        "projection.enabled": "true",
        "projection.ingest_date.type": "date",
        "projection.ingest_date.format": "yyyy-MM-dd",
        "projection.ingest_date.range": "2024-02-29,NOW",
        "projection.ingest_date.interval": "1",
        "projection.ingest_date.interval.unit": "DAYS",
        "projection.order_day.type": "date",
        "projection.order_day.format": "yyyy-MM-dd",
        "projection.order_day.range": "2024-02-29,NOW",
        "projection.order_day.interval": "1",
        "projection.order_day.interval.unit": "DAYS",
      },
      partitioning: { projected: true, unprojectable: [] },
    });
  });

  it("turns projection off for the whole table when one key is unprojectable (an empty value list included)", () => {
    expect(projectionOf(catalogTable(orders).raw.partitionKeys, { country: [] }, "2020-01-01")).toEqual({
      parameters: {},
      partitioning: { projected: false, unprojectable: ["country"] },
    });
  });
});

describe("GlueCatalog documented defaults", () => {
  it("pins its defaults", () => {
    expect(GLUE_CATALOG_DEFAULTS).toEqual({
      projectionStartDate: "2020-01-01",
      keyDeletionWindowDays: 30,
      inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    });
  });

  it("takes a shorter key deletion window when given (7 is the floor)", () => {
    const { one } = synth({ keyDeletionWindowDays: 7 });
    expect(one("resource", "aws_kms_key", "catalog_key")["deletion_window_in_days"]).toBe(7);
  });

  it("projects nothing without projectedValues (@default none)", () => {
    const { json } = synth();
    const tables = Object.values(json.resource["aws_glue_catalog_table"] ?? {});
    expect(tables).toHaveLength(4);
    for (const table of tables)
      expect(table["parameters"]).toEqual({ EXTERNAL: "TRUE", classification: "parquet" });
  });
});

describe("GlueCatalog grants", () => {
  const catalogArns = (database: string) => [
    `${ARN}:glue:${REGION_ACCOUNT}:catalog`,
    `${ARN}:glue:${REGION_ACCOUNT}:database/\${aws_glue_catalog_database.${database}.name}`,
    `${ARN}:glue:${REGION_ACCOUNT}:table/\${aws_glue_catalog_database.${database}.name}/*`,
  ];

  it("grants reading one zone's catalog, writing partitions, and tables only when asked", () => {
    const { one } = synth({}, (catalog, stack) => {
      const role = new IamRole(stack, "role", { name: "crawler", assumeRolePolicy: "{}" });
      const policy = new RolePolicy(stack, "role-policy", { role });
      catalog.grantReadCatalog(policy, "raw");
      catalog.grantWriteCatalog(policy, "raw");
      catalog.grantWriteCatalog(policy, "drop", { tables: true });
    });

    expect(one("data", "aws_iam_policy_document", "role-policy_document")["statement"]).toEqual([
      {
        actions: [
          "glue:GetDatabase",
          "glue:GetDatabases",
          "glue:GetTable",
          "glue:GetTables",
          "glue:GetPartition",
          "glue:GetPartitions",
          "glue:BatchGetPartition",
        ],
        resources: catalogArns("catalog_database-raw"),
      },
      {
        actions: [
          "glue:BatchCreatePartition",
          "glue:BatchUpdatePartition",
          "glue:CreatePartition",
          "glue:UpdatePartition",
        ],
        resources: catalogArns("catalog_database-raw"),
      },
      {
        actions: [
          "glue:BatchCreatePartition",
          "glue:BatchUpdatePartition",
          "glue:CreatePartition",
          "glue:UpdatePartition",
          "glue:CreateTable",
          "glue:UpdateTable",
        ],
        resources: catalogArns("catalog_database-drop"),
      },
    ]);
  });

  it("grants the security configuration: the catalog key in IAM and in the key policy, Glue's log groups only", () => {
    const { one } = synth({}, (catalog, stack) => {
      const role = new IamRole(stack, "role", { name: "crawler", assumeRolePolicy: "{}" });
      catalog.grantSecurityConfiguration(new RolePolicy(stack, "role-policy", { role }));
    });

    expect(one("data", "aws_iam_policy_document", "role-policy_document")["statement"]).toEqual([
      {
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: ["${aws_kms_key.catalog_key.arn}"],
      },
      {
        actions: ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${ARN}:logs:${REGION_ACCOUNT}:log-group:/aws-glue/*`],
      },
    ]);
    const keyPolicy = one("data", "aws_iam_policy_document", "catalog_key-policy")["statement"] as Record<
      string,
      unknown
    >[];
    expect(keyPolicy).toHaveLength(3);
    expect(keyPolicy[2]).toEqual({
      sid: "UseBy2",
      principals: [{ type: "AWS", identifiers: ["${aws_iam_role.role.arn}"] }],
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["*"],
    });
  });
});

describe("GlueCatalog addresses (construct ids are API: renaming one replaces a database or table)", () => {
  it("keeps the Terraform addresses and construct paths of its databases, tables and key", () => {
    // prepare: the catalog at the id the analytics stack gives it ("catalog", directly in the stack)
    const { unmasked, catalog, stack } = synth();

    // act: each stateful resource's Terraform address and construct path
    const addresses = (resources: TerraformResource[]) =>
      Object.fromEntries(
        resources.map((r) => [`${r.terraformResourceType}.${stack.getLogicalId(r)}`, r.node.path]),
      );
    const databases = addresses(CATALOG_ZONES.map((zone) => catalog.databases[zone]));
    const tables = addresses([
      ...Object.values(catalog.tables.raw),
      ...Object.values(catalog.tables.curated),
    ]);
    const key = addresses([catalog.key]);

    // assess: the same addresses src/guard/baseline records for the deployed stacks, and what was synthesized
    expect(databases).toEqual({
      "aws_glue_catalog_database.catalog_database-drop_2F6286F3": "test/catalog/database-drop",
      "aws_glue_catalog_database.catalog_database-raw_78245DA3": "test/catalog/database-raw",
      "aws_glue_catalog_database.catalog_database-curated_7D44D38C": "test/catalog/database-curated",
    });
    expect(tables).toEqual({
      "aws_glue_catalog_table.catalog_table-raw-orders_46DD2058": "test/catalog/table-raw-orders",
      "aws_glue_catalog_table.catalog_table-raw-clickstream_3370268D": "test/catalog/table-raw-clickstream",
      "aws_glue_catalog_table.catalog_table-curated-orders_CB8A8A38": "test/catalog/table-curated-orders",
      "aws_glue_catalog_table.catalog_table-curated-clickstream_947F950F":
        "test/catalog/table-curated-clickstream",
    });
    expect(key).toEqual({ "aws_kms_key.catalog_key_3E56B33F": "test/catalog/key" });
    const synthesized = (type: string) =>
      Object.keys(unmasked.resource[type] ?? {}).map((id) => `${type}.${id}`);
    expect(synthesized("aws_glue_catalog_database").sort()).toEqual(Object.keys(databases).sort());
    expect(synthesized("aws_glue_catalog_table").sort()).toEqual(Object.keys(tables).sort());
  });
});

describe("GlueCatalog rejects invalid props, naming each problem", () => {
  it.each([
    [
      { databaseNames: { drop: "lake-drop", raw: "lake_raw", curated: "lake_curated" } },
      'GlueCatalog: databaseNames.drop "lake-drop" must be 1-255 lower-case letters, digits or "_"',
    ],
    [
      { databaseNames: { drop: "lake_drop", raw: "Lake_Raw", curated: "" } },
      'GlueCatalog: databaseNames.raw "Lake_Raw" must be 1-255 lower-case letters, digits or "_"; databaseNames.curated "" must be 1-255 lower-case letters, digits or "_"',
    ],
    [
      { projectionStartDate: "2020-1-1" },
      'GlueCatalog: projectionStartDate "2020-1-1" is not a YYYY-MM-DD date',
    ],
    [
      { projectionStartDate: "2020-13-01" },
      'GlueCatalog: projectionStartDate "2020-13-01" is not a YYYY-MM-DD date',
    ],
    [{ keyDeletionWindowDays: 6 }, "GlueCatalog: keyDeletionWindowDays must be 7 to 30, got 6"],
    [{ keyDeletionWindowDays: 31 }, "GlueCatalog: keyDeletionWindowDays must be 7 to 30, got 31"],
    [{ keyDeletionWindowDays: 7.5 }, "GlueCatalog: keyDeletionWindowDays must be 7 to 30, got 7.5"],
    [
      { securityConfigurationName: "lake glue" },
      'GlueCatalog: securityConfigurationName "lake glue" must be 1-255 letters, digits, "-" or "_"',
    ],
    [{ projectedValues: { invoices: {} } }, "GlueCatalog: projectedValues.invoices: no such table"],
    [
      { projectedValues: { orders: { sku: ["A"] } } },
      "GlueCatalog: projectedValues.orders.sku: not a partition key of orders",
    ],
    [
      { projectedValues: { orders: { country: ["DE,FR"] } } },
      'GlueCatalog: projectedValues.orders.country: values must be non-empty and contain no ","',
    ],
    [
      { projectedValues: { orders: { country: [""] } } },
      'GlueCatalog: projectedValues.orders.country: values must be non-empty and contain no ","',
    ],
  ] as [Partial<GlueCatalogProps>, string][])("%j", (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  it("collects every problem into one error", () => {
    expect(() => synth({ keyDeletionWindowDays: 0, projectionStartDate: "today" })).toThrow(
      new Error(
        'GlueCatalog: projectionStartDate "today" is not a YYYY-MM-DD date; keyDeletionWindowDays must be 7 to 30, got 0',
      ),
    );
  });
});

describe("GlueCatalog tables of columns read from source fields (from)", () => {
  const { one } = synth({ tables: [catalogTable(airports)] });

  it("names the columns as the lake does, never as the source file (Airport Name is airport_name)", () => {
    // act
    const raw = one("resource", "aws_glue_catalog_table", "catalog_table-raw-airports");
    const curated = one("resource", "aws_glue_catalog_table", "catalog_table-curated-airports");

    // assess: an unpartitioned pipeline: ingest_date is the only partition key
    expect([raw["partition_keys"], raw["storage_descriptor"]]).toEqual([
      keys(["ingest_date", "date"]),
      parquet("s3://${aws_s3_bucket.zone-raw_bucket.bucket}/airports/", [
        ["iata", "string"],
        ["airport_name", "string"],
        ["city", "string"],
        ["country", "string"],
        ["elevation_ft", "int"],
        ["passengers", "bigint"],
        ["_source_key", "string"],
        ["_source_line", "bigint"],
      ]),
    ]);
    expect((curated["storage_descriptor"] as Record<string, unknown>)["columns"]).toEqual(
      keys(["country", "string"], ["airports", "bigint"], ["passengers", "bigint"], ["highest_ft", "int"]),
    );
    expect(JSON.stringify([raw, curated])).not.toMatch(
      /IATA Code|Airport Name|Elevation \(ft\)|Passengers 2025/,
    );
  });
});
