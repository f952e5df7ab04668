import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { AwsContext, accountTrustStatement } from "../aws-context/index.js";
import { RolePolicy } from "../role-policy/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { DeliveryStream } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function deliveryStreamExample(scope: Construct): DeliveryStream {
  const context = new AwsContext(scope, "context");
  const drop = new ZoneBucket(scope, "zone-drop", {
    context,
    zone: "drop",
    bucketName: "event-lake-test-drop-111111111111",
  });
  const stream = new DeliveryStream(scope, "stream-clicks", {
    context,
    names: { stream: "event-lake-test-stream-clicks", role: "event-lake-test-stream-clicks-delivery" },
    // Click events sent one by one instead of as files: NDJSON, one record per line, delivered as
    // clicks/ingest_date=YYYY-MM-DD/<stream>-1-<time>-<id>.ndjson.gz every 60 s or 64 MB.
    dataset: "clicks",
    format: { type: "ndjson" },
    buffer: { seconds: 60 },
    zone: drop, // the role writes only under clicks/ and _firehose-errors/clicks/, through the zone's key
  });
  // Only the account's principals tagged event-lake-producer=clicks may assume the producer role.
  const trust = new DataAwsIamPolicyDocument(scope, "producer-trust", {
    statement: [accountTrustStatement(context, { tag: { key: "event-lake-producer", value: "clicks" } })],
  });
  const producer = new IamRole(scope, "producer-clicks", {
    name: "event-lake-test-stream-clicks-producer",
    assumeRolePolicy: trust.json,
  });
  stream.grantPut(new RolePolicy(scope, "producer-clicks-policy", { role: producer })); // this stream only
  return stream;
}
