import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { EventFanout } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function eventFanoutExample(scope: Construct): EventFanout {
  const context = new AwsContext(scope, "context");
  const drop = new ZoneBucket(scope, "zone-drop", {
    context,
    zone: "drop",
    bucketName: "event-lake-test-drop-111111111111",
  });
  const alerts = new SnsTopic(scope, "alerts", { name: "event-lake-test-alerts" });
  const events = new EventFanout(scope, "events-drop", {
    context,
    zone: drop,
    alerts,
    topicName: "event-lake-test-drop-events",
  });
  // Every object: the converter quarantines what belongs to no pipeline. Visibility = 6 x 300 s.
  events.addConsumer("drop-to-raw", {
    queueName: "event-lake-test-drop-to-raw",
    consumerTimeoutSeconds: 300,
  });
  // Every object but the lake's own reserved `_` folders, however many datasets there are.
  events.addConsumer("catalog", {
    queueName: "event-lake-test-catalog-drop",
    consumerTimeoutSeconds: 300,
    excludeKeyPrefix: "_",
  });
  return events;
}
