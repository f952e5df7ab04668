import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { Network } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function networkExample(scope: Construct): Network {
  const context = new AwsContext(scope, "context");
  const network = new Network(scope, "network", {
    context,
    name: "event-lake-test",
    flowLogGroupName: "/event-lake/test/vpc-flow-logs",
    flowLogRoleName: "event-lake-test-vpc-flow-logs",
    // 10.20.0.0/16, private subnets in 2 AZs, S3 + DynamoDB gateway endpoints, the default interface endpoints,
    // no NAT gateway, flow logs kept 365 days.
  });
  // Functions go in with TracedFunction's vpc prop:
  //   vpc: { subnets: network.privateSubnets, securityGroups: [network.lambdaSecurityGroup] }
  return network;
}
