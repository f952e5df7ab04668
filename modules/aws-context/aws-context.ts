import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Construct } from "constructs";

/**
 * Partition, account and region as Terraform knows them, so that no ARN we build hard-codes `arn:aws:` or an
 * account id. Create one per stack and hand it to every construct that builds ARNs or policies.
 */
export class AwsContext extends Construct {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly dnsSuffix: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition");
    const identity = new DataAwsCallerIdentity(this, "identity");
    const region = new DataAwsRegion(this, "region");
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
    this.accountId = identity.accountId;
    this.region = region.name;
  }

  /** `arn:{partition}:{service}:{region}:{account}:{resource}`; pass "" for global services' region. */
  arn(service: string, resource: string, options: { region?: string; account?: string } = {}): string {
    return `arn:${this.partition}:${service}:${options.region ?? this.region}:${options.account ?? this.accountId}:${resource}`;
  }

  /** The service principal, e.g. `s3.amazonaws.com`. */
  servicePrincipal(service: string): string {
    return `${service}.${this.dnsSuffix}`;
  }

  /** The account root principal ARN, used where a key or resource policy delegates to IAM. */
  get rootArn(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}
