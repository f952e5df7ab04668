import type { Construct } from "constructs";
import { Network } from "../../modules/network/index.js";
import { NOTEBOOK_INTERFACE_ENDPOINTS } from "../../modules/notebook/index.js";
import type { FunctionVpc } from "../../modules/traced-function/index.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeParts } from "./context.js";

/**
 * The interface endpoints are what the workloads in the VPC call, and nothing else: each costs about $16 a month
 * (two AZs, eu-west-1), so an endpoint nobody calls is waste. S3 and DynamoDB go through the free gateway endpoints.
 */
/** The Lambdas in the VPC: the orchestrator calls Glue, SNS and Step Functions; ingest reads Secrets Manager. */
export const LAMBDA_ENDPOINTS = ["glue", "secretsmanager", "sns", "states"] as const;

/** Redshift with enhanced VPC routing: Spectrum reaches the Glue catalog through the VPC (S3 through the gateway). */
export const WAREHOUSE_ENDPOINTS = ["glue"] as const;

/** The data scientists' notebook: Athena, Glue and its logs, plus the SageMaker API its idle stop calls. */
export const SAGEMAKER_ENDPOINTS = ["athena", "glue", "logs", ...NOTEBOOK_INTERFACE_ENDPOINTS] as const;

/**
 * The lake's VPC (private subnets, gateway and interface endpoints, flow logs), built before the Lambdas so that
 * `features.lambdasInVpc` can place them in it. A pull pipeline fetches from the internet, so Lambdas in the VPC
 * need `features.natGateway` as well, and an https:// source (the Lambda security group opens 443 only).
 */
export function buildNetwork(scope: Construct, parts: Omit<LakeParts, "network">): Network {
  const { context, env, pipelines } = parts;
  const features = env.features;
  if (features.lambdasInVpc) {
    const problems: string[] = [];
    for (const p of pipelines) {
      if (p.source.kind !== "http") continue;
      if (!features.natGateway)
        problems.push(
          `pipeline "${p.name}" pulls ${p.source.url} from the internet: set features.natGateway too, or turn features.lambdasInVpc off`,
        );
      if (!p.source.url.startsWith("https://"))
        problems.push(
          `pipeline "${p.name}": a Lambda in the VPC may reach https:// sources only, not ${p.source.url}`,
        );
    }
    if (problems.length > 0)
      throw new Error(
        `environments.${env.name}.features.lambdasInVpc (environment "${env.name}"):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
  }
  return new Network(scope, "network", {
    context,
    name: env.prefix,
    flowLogGroupName: `/${env.prefix}/vpc-flow-logs`,
    flowLogRoleName: physicalName(env.prefix, ["vpc-flow-logs"], NAME_LIMITS.iamRole),
    natGateway: features.natGateway,
    interfaceEndpoints: interfaceEndpoints(parts),
  });
}

/** The union of what each enabled workload needs, each service once, in a stable order. */
export function interfaceEndpoints(parts: Pick<LakeParts, "env" | "compat">): string[] {
  const { features } = parts.env;
  const warehouse = features.redshift !== "off" && parts.compat.redshift;
  return [
    ...new Set([
      ...(warehouse ? WAREHOUSE_ENDPOINTS : []),
      ...(features.lambdasInVpc ? LAMBDA_ENDPOINTS : []),
      ...(features.sagemaker ? SAGEMAKER_ENDPOINTS : []),
    ]),
  ];
}

/** Where a Lambda of the lake runs: the private subnets behind the Lambda security group, when the feature is on. */
export function functionVpc(parts: LakeParts): FunctionVpc | undefined {
  return parts.env.features.lambdasInVpc
    ? { subnets: parts.network.privateSubnets, securityGroups: [parts.network.lambdaSecurityGroup] }
    : undefined;
}
