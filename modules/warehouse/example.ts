import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ORDERS_TABLE } from "../glue-catalog/example.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { Network } from "../network/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { Warehouse } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function warehouseExample(scope: Construct): Warehouse {
  const context = new AwsContext(scope, "context");
  const zone = (name: "drop" | "raw" | "curated") =>
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
  const network = new Network(scope, "network", {
    context,
    name: "event-lake-test",
    flowLogGroupName: "/event-lake-test/vpc-flow-logs",
    flowLogRoleName: "event-lake-test-vpc-flow-logs",
  });
  return new Warehouse(scope, "warehouse", {
    context,
    names: { namespace: "event-lake-test", workgroup: "event-lake-test", role: "event-lake-test-redshift" },
    network, // private subnets, 5439 from the VPC CIDR only
    curated: zones.curated, // Spectrum and COPY read only this zone and its Glue database
    catalog,
    // 8 RPUs, at most 64 RPU-hours a day (then deactivated); admin password in Secrets Manager.
  });
}
