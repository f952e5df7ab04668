import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { ProducerRole } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function producerRoleExample(scope: Construct): ProducerRole {
  const context = new AwsContext(scope, "context");
  const drop = new ZoneBucket(scope, "drop", { context, bucketName: "event-lake-test-drop", zone: "drop" });
  const producer = new ProducerRole(scope, "producer-orders", {
    context,
    roleName: "event-lake-test-push-orders",
    description: "Producers of orders upload under orders/ in the drop zone",
    // Principals tagged event-lake-producer=orders; or principalArns: ["arn:aws:iam::111122223333:role/shop"].
    trust: { tag: { key: "event-lake-producer", value: "orders" } },
  });
  drop.grantWrite(producer.policy, "orders/");
  return producer;
}
