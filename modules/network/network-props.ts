import type { AwsContext } from "../aws-context/index.js";

export interface NetworkProps {
  readonly context: AwsContext;
  /** `Name` tag prefix of every network resource, e.g. `event-lake-test`. */
  readonly name: string;
  /** Physical names of the flow-log group and the role VPC Flow Logs assumes, from the naming helper. */
  readonly flowLogGroupName: string;
  readonly flowLogRoleName: string;
  /** The VPC's IPv4 range, /16 to /24; subnets are carved from it. @default "10.20.0.0/16" */
  readonly cidrBlock?: string;
  /** Availability zones to spread the private subnets over (2 or 3). @default 2 */
  readonly availabilityZoneCount?: number;
  /**
   * Interface endpoints (AWS PrivateLink) for the services private workloads call, by endpoint service suffix
   * (`com.amazonaws.<region>.<suffix>`). S3 and DynamoDB always get gateway endpoints.
   * @default NETWORK_DEFAULTS.interfaceEndpoints (sqs, sns, logs, glue, athena, sts, kms, secretsmanager, redshift-data)
   */
  readonly interfaceEndpoints?: readonly string[];
  /** A NAT gateway (with public subnets and an internet gateway) for egress to the internet. @default false */
  readonly natGateway?: boolean;
  /** Days flow logs are kept. @default 365 */
  readonly flowLogRetentionDays?: number;
  /** Days before a scheduled deletion of the flow-log key completes. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const NETWORK_DEFAULTS = {
  cidrBlock: "10.20.0.0/16",
  availabilityZoneCount: 2,
  interfaceEndpoints: [
    "sqs",
    "sns",
    "logs",
    "glue",
    "athena",
    "sts",
    "kms",
    "secretsmanager",
    "redshift-data",
  ],
  natGateway: false,
  flowLogRetentionDays: 365,
  keyDeletionWindowDays: 30,
  /** Subnets are /(vpc prefix + 4): 16 of them fit, private ones first, public ones from index 8. */
  subnetNewBits: 4,
} as const;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
