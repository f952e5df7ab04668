import type { Construct } from "constructs";
import { AwsContext } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function awsContextExample(scope: Construct): string {
  const context = new AwsContext(scope, "context");
  // arn:${partition}:sqs:${region}:${account}:my-queue, and s3.${dns_suffix} as a service principal.
  context.servicePrincipal("s3");
  return context.arn("sqs", "my-queue");
}
