import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function zoneBucketExample(scope: Construct): ZoneBucket {
  const context = new AwsContext(scope, "context");
  const logs = new ZoneBucket(scope, "zone-logs", {
    context,
    zone: "logs",
    bucketName: "event-lake-test-access-logs-111111111111",
    encryption: "s3-managed", // S3 server access logs cannot be delivered to an SSE-KMS bucket
    expireAfterDays: 90,
  });
  const raw = new ZoneBucket(scope, "zone-raw", {
    context,
    zone: "raw",
    bucketName: "event-lake-test-raw-111111111111",
    accessLogs: { target: logs, prefix: "raw/" },
    intelligentTieringAfterDays: 30, // never Glacier: Athena reads this zone
  });
  // Grants land in the grantee's policy and in this zone's key policy:
  // raw.grantRead(converter.policy, "orders/"); raw.grantWrite(converter.policy, "orders/");
  return raw;
}
