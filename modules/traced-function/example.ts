import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { TracedFunction } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by a test so it cannot rot. */
export function tracedFunctionExample(scope: Construct): TracedFunction {
  const context = new AwsContext(scope, "context");
  const failures = new SqsQueue(scope, "ingest-failures", { name: "event-lake-test-ingest-failures" });
  const work = new SqsQueue(scope, "work", { name: "event-lake-test-work", visibilityTimeoutSeconds: 360 });

  const ingest = new TracedFunction(scope, "ingest", {
    functionName: "event-lake-test-ingest",
    context,
    // From dist/handlers/manifest.json (handlers/build.ts): an absolute path and the zip's base64 SHA-256.
    code: {
      zipPath: "/work/main/dist/handlers/ingest.zip",
      sha256: "CFE/dfiOvAvt/uT3dxstQHO9KFs07+otxuXIY/e8bd0=",
    },
    memorySize: 256,
    timeout: 60,
    environment: { DROP_BUCKET: "event-lake-test-drop", RUNS_TABLE: "event-lake-test-runs" },
    onFailure: { queue: failures },
  });
  // Partial batch failures, at most 4 concurrent invocations, and sqs:* on this queue's ARN only.
  ingest.addSqsSource(work, { batchSize: 10, maxConcurrency: 4 });
  // Other constructs scope their grants to this function's policy: dropZone.grantWrite(ingest.policy, "orders/").
  return ingest;
}
