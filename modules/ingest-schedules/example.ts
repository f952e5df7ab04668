import type { Construct } from "constructs";
import { Alerts } from "../alerts/index.js";
import { AwsContext } from "../aws-context/index.js";
import { TracedFunction } from "../traced-function/index.js";
import { IngestSchedules } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function ingestSchedulesExample(scope: Construct): IngestSchedules {
  const context = new AwsContext(scope, "context");
  const alerts = new Alerts(scope, "alerts", { context, topicName: "event-lake-test-alerts" });
  const schedules = new IngestSchedules(scope, "ingest", {
    context,
    names: { failureQueue: "event-lake-test-ingest-failures", role: "event-lake-test-ingest-scheduler" },
    alerts: alerts.topic,
  });
  const ingest = new TracedFunction(scope, "ingest-function", {
    functionName: "event-lake-test-ingest",
    context,
    code: { zipPath: "/work/main/dist/handlers/ingest.zip" },
    memorySize: 512,
    timeout: 300,
    onFailure: { queue: schedules.failures }, // Lambda's own retries end in the same queue
  });
  // Invoked hourly with {"pipeline":"rates","scheduledTime":"<aws.scheduler.scheduled-time>"}.
  schedules.invoke(ingest.function, [
    {
      key: "rates",
      scheduleName: "event-lake-test-ingest-rates",
      description: "Pull rates from https://example.com/rates.csv",
      scheduleExpression: "rate(1 hour)",
      input: { pipeline: "rates" },
    },
  ]);
  return schedules;
}
