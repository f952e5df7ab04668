import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { type CatalogTable, GlueCatalog } from "./index.js";

/** A table of shop orders: raw as the files arrive (plus where each row came from), curated as a daily summary. */
export const ORDERS_TABLE: CatalogTable = {
  name: "orders",
  description: "Shop orders, one row per order line, pulled hourly as CSV",
  raw: {
    columns: [
      { name: "order_id", type: "bigint" },
      { name: "customer_id", type: "bigint" },
      { name: "sku", type: "string" },
      { name: "quantity", type: "int" },
      { name: "unit_price", type: "double" },
      { name: "ordered_at", type: "timestamp" },
      { name: "is_gift", type: "boolean" },
      { name: "_source_key", type: "string" },
      { name: "_source_line", type: "bigint" },
    ],
    partitionKeys: [
      { name: "ingest_date", type: "date" },
      { name: "country", type: "string" },
    ],
  },
  curated: {
    columns: [
      { name: "sku", type: "string" },
      { name: "order_date", type: "date" },
      { name: "order_lines", type: "bigint" },
      { name: "units", type: "bigint" },
      { name: "revenue", type: "double" },
    ],
    partitionKeys: [
      { name: "ingest_date", type: "date" },
      { name: "country", type: "string" },
    ],
  },
};

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function glueCatalogExample(scope: Construct): GlueCatalog {
  const context = new AwsContext(scope, "context");
  const zone = (name: "drop" | "raw" | "curated") =>
    new ZoneBucket(scope, `zone-${name}`, {
      context,
      zone: name,
      bucketName: `event-lake-test-${name}-111111111111`,
    });
  return new GlueCatalog(scope, "catalog", {
    context,
    databaseNames: {
      drop: "event_lake_test_drop",
      raw: "event_lake_test_raw",
      curated: "event_lake_test_curated",
    },
    zones: { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") },
    securityConfigurationName: "event-lake-test-glue",
    tables: [ORDERS_TABLE],
    // Makes the raw orders table projectable: ingest_date as a date, country as an enum.
    projectedValues: { orders: { country: ["DE", "FR", "NL"] } },
  });
}
