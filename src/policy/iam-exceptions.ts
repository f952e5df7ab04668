/**
 * Actions that may be granted on `"*"` in identity policies, because the AWS API offers nothing narrower (their
 * service authorization reference lists no resource type for them). Each entry says why; an action not listed here
 * with `"*"` resources fails IAM.NoWildcardResources until it is scoped or suppressed with a reason.
 */
export interface WildcardResourceException {
  readonly action: string;
  readonly reason: string;
}

export const WILDCARD_RESOURCE_EXCEPTIONS: readonly WildcardResourceException[] = [
  {
    action: "xray:PutTraceSegments",
    reason:
      'X-Ray has no resource types for trace uploads; AWS allows only Resource "*" (tracing Active needs it)',
  },
  {
    action: "xray:PutTelemetryRecords",
    reason: 'X-Ray has no resource types for telemetry uploads; AWS allows only Resource "*"',
  },
  {
    action: "xray:GetSamplingRules",
    reason: "the X-Ray SDK reads the account's sampling rules; the action supports no resource-level scoping",
  },
  {
    action: "xray:GetSamplingTargets",
    reason: "the X-Ray SDK reports sampling statistics; the action supports no resource-level scoping",
  },
  {
    action: "cloudwatch:PutMetricData",
    reason: "metrics have no ARN; scope with a cloudwatch:namespace condition instead",
  },
  {
    action: "lakeformation:GetDataAccess",
    reason: "Lake Formation vends credentials for whatever it governs; the action has no resource type",
  },
  {
    action: "ec2:DescribeNetworkInterfaces",
    reason: "EC2 Describe* calls cannot be scoped to resources (Lambda in a VPC needs it)",
  },
  {
    action: "ec2:DescribeSubnets",
    reason:
      "EC2 Describe* calls cannot be scoped to resources (a QuickSight VPC connection and a SageMaker notebook need it)",
  },
  {
    action: "ec2:DescribeSecurityGroups",
    reason:
      "EC2 Describe* calls cannot be scoped to resources (a QuickSight VPC connection and a SageMaker notebook need it)",
  },
  {
    action: "ec2:DescribeVpcs",
    reason:
      "EC2 Describe* calls cannot be scoped to resources (SageMaker places a notebook's interface with it)",
  },
  {
    action: "ec2:DescribeDhcpOptions",
    reason:
      "EC2 Describe* calls cannot be scoped to resources (SageMaker places a notebook's interface with it)",
  },
  {
    action: "sts:GetCallerIdentity",
    reason: "needs no permission at all and has no resource type",
  },
];

const BY_ACTION = new Map(WILDCARD_RESOURCE_EXCEPTIONS.map((e) => [e.action.toLowerCase(), e]));

/** The exception covering `action` (case-insensitive, as IAM compares actions), if any. */
export function wildcardResourceException(action: string): WildcardResourceException | undefined {
  return BY_ACTION.get(action.toLowerCase());
}
