import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsContext } from "../../modules/aws-context/index.js";
import { RolePolicy } from "../../modules/role-policy/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import type { LakeConfig } from "../config/types.js";
import { addAwsProvider } from "./aws-provider.js";
import { buildGithubCi, CI_ENVIRONMENTS } from "./github-ci.js";

export interface BootstrapStackProps {
  readonly lake: LakeConfig;
  /** Where the bootstrap stack's own (local) state lives. */
  readonly stateDir: string;
}

/**
 * Creates the one state bucket that test and sandbox share, and the role their backends assume to use it; with a
 * `github` block in the config, also GitHub's OIDC provider and the CI roles in every deploy account (see
 * docs/delivery.md). Its own state is local: it must exist before any S3 backend can.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { lake } = props;
    addAwsProvider(this, {
      accountId: lake.state.accountId,
      region: lake.state.region,
      auth: { profile: lake.state.profile, sessionName: "event-lake-bootstrap" },
      tags: { Project: lake.project, Environment: "shared", ManagedBy: "cdktf" },
    });
    new LocalBackend(this, { path: `${props.stateDir}/terraform.tfstate` });
    const aws = new AwsContext(this, "context");

    const logs = new ZoneBucket(this, "state-access-logs", {
      context: aws,
      zone: "tfstate-logs",
      bucketName: `${lake.state.bucket.slice(0, 58)}-logs`,
      // S3 server access logging cannot deliver to an SSE-KMS bucket.
      encryption: "s3-managed",
      expireAfterDays: 365,
    });
    logs.acceptServerAccessLogs();
    const state = new ZoneBucket(this, "state", {
      context: aws,
      zone: "tfstate",
      bucketName: lake.state.bucket,
      noncurrentVersionExpiryDays: 90,
      accessLogs: { target: logs, prefix: "tfstate/" },
    });
    state.bucket.lifecycle = { preventDestroy: true };
    state.key?.addOverride("lifecycle.prevent_destroy", true);

    const deployAccounts = [...new Set(CI_ENVIRONMENTS.map((n) => lake.environments[n].accountId))];
    if (lake.state.roleArn) {
      const roleName = lake.state.roleArn.split("/").pop() ?? "event-lake-tfstate";
      const trust = new DataAwsIamPolicyDocument(this, "state-role-trust", {
        statement: [
          {
            actions: ["sts:AssumeRole", "sts:TagSession"],
            principals: [
              { type: "AWS", identifiers: deployAccounts.map((a) => `arn:${aws.partition}:iam::${a}:root`) },
            ],
          },
        ],
      });
      const role = new IamRole(this, "state-role", { name: roleName, assumeRolePolicy: trust.json });
      const policy = new RolePolicy(this, "state-role-policy", { role });
      state.grantRead(policy, `${lake.state.keyPrefix}/`);
      state.grantWrite(policy, `${lake.state.keyPrefix}/`);
      // The lock file (<key>.tflock) is deleted when the lock is released.
      policy.addStatements({
        actions: ["s3:DeleteObject"],
        resources: [state.objectsArn(`${lake.state.keyPrefix}/`)],
      });
      new TerraformOutput(this, "state_role_arn", { value: role.arn });
    }
    if (lake.github) buildGithubCi(this, { lake, github: lake.github, aws, state });
    new TerraformOutput(this, "state_bucket_name", { value: state.bucket.bucket });
  }
}
