import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { Alerts } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function alertsExample(scope: Construct): Alerts {
  const context = new AwsContext(scope, "context");
  // Alarms use alerts.topic.arn as their alarm and OK actions.
  return new Alerts(scope, "alerts", {
    context,
    topicName: "event-lake-test-alerts",
    email: "data-platform@example.com",
  });
}
