import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { AuditTrail } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function auditTrailExample(scope: Construct): AuditTrail {
  const context = new AwsContext(scope, "context");
  const logs = new ZoneBucket(scope, "zone-logs", {
    context,
    zone: "logs",
    bucketName: "event-lake-test-access-logs-111111111111",
    encryption: "s3-managed",
  });
  const curated = new ZoneBucket(scope, "zone-curated", {
    context,
    zone: "curated",
    bucketName: "event-lake-test-curated-111111111111",
    accessLogs: { target: logs },
  });
  return new AuditTrail(scope, "audit-trail", {
    context,
    trailName: "event-lake-test-audit",
    bucketName: "event-lake-test-trail-111111111111",
    accessLogs: logs,
    dataEventBuckets: [curated], // object-level reads and writes of the curated zone
  });
}
