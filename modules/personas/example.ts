import type { Construct } from "constructs";
import { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { AwsContext } from "../aws-context/index.js";
import { ORDERS_TABLE } from "../glue-catalog/example.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { Personas } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function personasExample(scope: Construct): Personas {
  const context = new AwsContext(scope, "context");
  const zone = (name: string) =>
    new ZoneBucket(scope, `zone-${name}`, {
      context,
      zone: name,
      bucketName: `event-lake-test-${name}-111111111111`,
    });
  const zones = {
    drop: zone("drop"),
    raw: zone("raw"),
    curated: zone("curated"),
    quarantine: zone("quarantine"),
  };
  const results = zone("athena-results");
  const catalog = new GlueCatalog(scope, "catalog", {
    context,
    databaseNames: {
      drop: "event_lake_test_drop",
      raw: "event_lake_test_raw",
      curated: "event_lake_test_curated",
    },
    zones,
    securityConfigurationName: "event-lake-test-glue",
    tables: [ORDERS_TABLE],
  });
  const workgroup = (name: string) =>
    new AthenaWorkgroup(scope, `workgroup-${name}`, { context, name: `event-lake-test-${name}`, results });
  return new Personas(scope, "personas", {
    context,
    roleNames: {
      steward: "event-lake-test-data-steward",
      engineer: "event-lake-test-data-engineer",
      scientist: "event-lake-test-data-scientist",
      analyst: "event-lake-test-bi-analyst",
    },
    zones,
    catalog,
    workgroups: { lake: workgroup("lake"), analysts: workgroup("analysts") },
    // Trusted: the account root (SSO roles); the scientist writes curated/sandbox/; QuickSight off.
  });
}
