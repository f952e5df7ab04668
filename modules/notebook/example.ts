import type { Construct } from "constructs";
import { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { AwsContext } from "../aws-context/index.js";
import { ORDERS_TABLE } from "../glue-catalog/example.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { NETWORK_DEFAULTS, Network } from "../network/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { NOTEBOOK_INTERFACE_ENDPOINTS, SagemakerNotebook } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function sagemakerNotebookExample(scope: Construct): SagemakerNotebook {
  const context = new AwsContext(scope, "context");
  const zone = (name: string) =>
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
    // The idle stop calls the SageMaker API: the VPC needs its endpoint.
    interfaceEndpoints: [...NETWORK_DEFAULTS.interfaceEndpoints, ...NOTEBOOK_INTERFACE_ENDPOINTS],
  });
  return new SagemakerNotebook(scope, "notebook", {
    context,
    names: { instance: "event-lake-test-scientists", role: "event-lake-test-notebook" },
    network, // first private subnet, no direct internet access, HTTPS to the VPC's endpoints only
    curated: zones.curated, // read all, write sandbox/ only
    catalog, // the curated database and its tables
    workgroup: analysts, // the one workgroup it queries in
    // ml.t3.medium, 20 GB encrypted with its own key, notebook-al2-v3, stopped after 60 idle minutes.
  });
}
