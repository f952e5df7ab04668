import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { AwsContext } from "../../modules/aws-context/index.js";
import type { Network } from "../../modules/network/index.js";
import type { EnvironmentConfig } from "../config/types.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import type { LakeEventing } from "./eventing.js";
import type { CompatSettings } from "./local-compat.js";
import type { LakeZones } from "./zones.js";

/** What every composition step of the lake stack receives: the environment and what earlier steps built. */
export interface LakeParts {
  readonly context: AwsContext;
  readonly env: EnvironmentConfig;
  readonly compat: CompatSettings;
  readonly pipelines: readonly PipelineDeclaration[];
  readonly zones: LakeZones;
  readonly eventing: LakeEventing;
  readonly alerts: SnsTopic;
  /** Encrypts the log groups of the lake's functions and state machines (keys.ts). */
  readonly logsKey: KmsKey;
  /** Encrypts the lake's DynamoDB tables (keys.ts). */
  readonly tablesKey: KmsKey;
  /** The VPC; the Lambdas run in it when `env.features.lambdasInVpc` (see network.ts). */
  readonly network: Network;
}
