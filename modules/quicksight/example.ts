import type { Construct } from "constructs";
import { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { AwsContext } from "../aws-context/index.js";
import { ORDERS_TABLE } from "../glue-catalog/example.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { Network } from "../network/index.js";
import { Warehouse } from "../warehouse/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { QuicksightSources } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function quicksightSourcesExample(scope: Construct): QuicksightSources {
  const context = new AwsContext(scope, "context");
  const zone = (name: "drop" | "raw" | "curated" | "athena-results") =>
    new ZoneBucket(scope, `zone-${name}`, {
      context,
      zone: name,
      bucketName: `event-lake-test-${name}-111111111111`,
    });
  const zones = { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") };
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
  const analysts = new AthenaWorkgroup(scope, "workgroup-analysts", {
    context,
    name: "event-lake-test-analysts",
    results: zone("athena-results"),
  });
  const network = new Network(scope, "network", {
    context,
    name: "event-lake-test",
    flowLogGroupName: "/event-lake-test/vpc-flow-logs",
    flowLogRoleName: "event-lake-test-vpc-flow-logs",
  });
  const warehouse = new Warehouse(scope, "warehouse", {
    context,
    names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "event-lake-test-redshift" },
    network,
    curated: zones.curated,
    catalog,
  });
  return new QuicksightSources(scope, "quicksight", {
    context,
    names: { prefix: "event-lake-test", vpcConnectionRole: "event-lake-test-quicksight-vpc" },
    workgroup: analysts, // ATHENA source on the analysts' read-only workgroup (athena: true is the default)
    redshift: true, // REDSHIFT source through a VPC connection, SSL on, the warehouse's managed admin secret
    warehouse,
    readers: ["arn:aws:quicksight:eu-west-1:111111111111:group/default/bi-analysts"],
    owners: ["arn:aws:quicksight:eu-west-1:111111111111:user/default/bi-admin"],
  });
}
