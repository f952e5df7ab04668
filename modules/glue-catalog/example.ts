import type { Construct } from "constructs";
import orders from "../../src/pipelines/definitions/orders.js";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { GlueCatalog } from "./index.js";

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
    pipelines: [orders],
    // Makes the raw orders table projectable: ingest_date as a date, country as an enum.
    projectedValues: { orders: { country: ["DE", "FR", "NL"] } },
  });
}
