import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { type AwsContext, keyAdminStatement } from "../aws-context/index.js";

export interface AlertsProps {
  readonly context: AwsContext;
  /** Physical topic name. */
  readonly topicName: string;
  /** Subscribe this address (AWS sends a confirmation mail). @default no subscription */
  readonly email?: string;
}

/**
 * The one SNS topic every alarm publishes to, encrypted with a rotating key whose policy lets CloudWatch (and only
 * CloudWatch, from this account) publish through it.
 */
export class Alerts extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const aws = props.context;
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        keyAdminStatement(aws),
        {
          // Publishers (the orchestrator, the curated state machine) are granted sns:Publish and use of this key by
          // their own IAM policies; the key admits such use from this account, and only through SNS.
          sid: "AccountPublishesThroughSns",
          principals: [{ type: "AWS", identifiers: [aws.rootArn] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["*"],
          condition: [
            {
              test: "StringEquals",
              variable: "kms:ViaService",
              values: [`sns.${aws.region}.${aws.dnsSuffix}`],
            },
            { test: "StringEquals", variable: "kms:CallerAccount", values: [aws.accountId] },
          ],
        },
        {
          sid: "CloudWatchAlarmsPublish",
          principals: [{ type: "Service", identifiers: [aws.servicePrincipal("cloudwatch")] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] }],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `event-lake alerts (${props.topicName})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.topicName}`, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: this.key.arn });
    if (props.email)
      new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.email,
      });
  }
}
