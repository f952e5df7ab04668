import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { AthenaWorkgroup } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function athenaWorkgroupExample(scope: Construct): AthenaWorkgroup {
  const context = new AwsContext(scope, "context");
  const results = new ZoneBucket(scope, "zone-athena-results", {
    context,
    zone: "athena-results",
    bucketName: "event-lake-test-athena-results-111111111111",
    expireAfterDays: 7,
  });
  const workgroup = new AthenaWorkgroup(scope, "workgroup-analysts", {
    context,
    name: "event-lake-test-analysts",
    results, // s3://<bucket>/event-lake-test-analysts/, SSE-KMS with the results zone's key
    bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  });
  workgroup.addNamedQuery({
    name: "orders-per-country",
    description: "Curated order lines per country, last 7 ingest dates",
    database: "event_lake_test_curated",
    sql: `SELECT "country", SUM("order_lines") AS "lines" FROM "event_lake_test_curated"."orders" WHERE "ingest_date" >= current_date - INTERVAL '7' DAY GROUP BY "country"`,
  });
  return workgroup;
}
