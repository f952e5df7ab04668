import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { AwsContext, serviceTrustStatement } from "../aws-context/index.js";
import { ORDERS_TABLE } from "../glue-catalog/example.js";
import { GlueCatalog } from "../glue-catalog/index.js";
import { Personas } from "../personas/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { LakeFormationZones } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function lakeFormationExample(scope: Construct): LakeFormationZones {
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
  const results = zone("athena-results");
  const workgroup = (name: string) =>
    new AthenaWorkgroup(scope, `workgroup-${name}`, { context, name: `event-lake-test-${name}`, results });
  const personas = new Personas(scope, "personas", {
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
  });
  // In the lake this is CrawlerChain.role; any role that creates tables or partitions in a zone is listed.
  const glueTrust = new DataAwsIamPolicyDocument(scope, "crawler-trust", {
    statement: [serviceTrustStatement(context, ["glue"])],
  });
  const crawlers = new IamRole(scope, "crawler-role", {
    name: "event-lake-test-crawlers",
    assumeRolePolicy: glueTrust.json,
  });
  return new LakeFormationZones(scope, "lake-formation", {
    context,
    registrationRoleName: "event-lake-test-lake-formation",
    zones, // registered in hybrid access mode: IAM access keeps working
    catalog, // its databases carry zone=drop|raw|curated
    personas: personas.roles, // steward administers; engineer, scientist, analyst get LF-tag grants
    catalogWriters: { crawlers: { role: crawlers, zones: ["drop", "raw", "curated"] } },
    // Administrators: the steward and whoever runs Terraform; tag key "zone".
  });
}
