import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsContext } from "../../modules/aws-context/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import type { LakeConfig } from "../config/types.js";
import { addAwsProvider } from "./aws-provider.js";
import { buildGithubCi } from "./github-ci.js";
import { buildStateRoles } from "./state-roles.js";

export interface BootstrapStackProps {
  readonly lake: LakeConfig;
  /** Where the bootstrap stack's own (local) state lives. */
  readonly stateDir: string;
}

/**
 * Creates the one state bucket that test and sandbox share, and per environment the state roles its backend assumes
 * to reach its own keys only (state-roles.ts, modules/state-roles); with a `github` block in the config, also
 * GitHub's OIDC provider and the CI roles in every deploy account (github-ci.ts, modules/github-ci-roles; see
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

    if (lake.state.roleName !== undefined || lake.github) buildStateRoles(this, { lake, aws, state });
    if (lake.github) buildGithubCi(this, { lake, github: lake.github, aws });
    new TerraformOutput(this, "state_bucket_name", { value: state.bucket.bucket });
  }
}
