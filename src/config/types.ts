/** The environments event-lake deploys. `local` is moto on this machine. */
export const ENVIRONMENT_NAMES = ["test", "sandbox", "local"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * How Terraform authenticates for one environment.
 * - `profile` alone: a named profile from ~/.aws/config (e.g. `[profile test-datawarehouse]`, which itself
 *   assumes a role from a `default` source profile).
 * - `roleArn`: Terraform's provider assumes this role, with `profile` (if any) as the source credentials.
 */
export interface AuthConfig {
  readonly profile?: string;
  readonly roleArn?: string;
  readonly sessionName: string;
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly accountId: string;
  readonly region: string;
  /** Prefix of every physical name in this environment, e.g. `event-lake-test`. */
  readonly prefix: string;
  readonly auth: AuthConfig;
  /** Where CloudWatch alarms are e-mailed; no subscription when unset. */
  readonly alertEmail?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** What this environment builds beyond the core lake, and what it pays for (docs/features.md). */
  readonly features: FeatureConfig;
  /**
   * Who may assume the roles people and their systems use. Unset lists admit the account's principals carrying a tag
   * instead: `event-lake-producer=<pipeline>` for producer roles, `event-lake-persona=<persona>` for persona roles.
   */
  readonly trustedPrincipals: TrustedPrincipals;
  /** `local` only: the moto endpoint every AWS service is pointed at. */
  readonly endpoint?: string;
  /** `local` only: where the local Terraform state lives. */
  readonly stateDir?: string;
}

export interface TrustedPrincipals {
  /** Role or user ARNs that may assume every push and stream pipeline's producer role. @default tagged principals */
  readonly producers?: readonly string[];
  /** Role or user ARNs (e.g. SSO permission-set roles) that may assume every persona role. @default tagged principals */
  readonly personas?: readonly string[];
}

/** The one S3 bucket that holds the Terraform state of every environment, with one key per stack. */
export interface StateConfig {
  readonly bucket: string;
  readonly region: string;
  readonly keyPrefix: string;
  /** The account that owns the state bucket; the bootstrap stack deploys there. */
  readonly accountId: string;
  /**
   * The state account's credentials for `make tf/bootstrap`; also the backends' profile when `roleName` is unset
   * (CI's profile, which itself leads to the environment's state role).
   */
  readonly profile?: string;
  /**
   * Name stem of the state roles in the state account: each environment's backend assumes `<roleName>-<env>`, which
   * reaches only `<keyPrefix>/<env>/` (docs/delivery.md). Unset: the backends use `profile` as it is.
   */
  readonly roleName?: string;
  /**
   * Per environment, the IAM roles (ARN, `*` allowed in the name) whose sessions may assume that environment's state
   * role: the identity its `auth.profile` resolves to. The environment's CI apply role is added by the bootstrap.
   */
  readonly deployers: Readonly<Partial<Record<EnvironmentName, readonly string[]>>>;
}

/** The GitHub repository whose workflows may assume the CI roles the bootstrap stack creates (docs/delivery.md). */
export interface GithubConfig {
  readonly owner: string;
  readonly repo: string;
}

export interface LakeConfig {
  readonly project: string;
  readonly state: StateConfig;
  /** No CI roles are created without it. */
  readonly github?: GithubConfig;
  readonly environments: Readonly<Record<EnvironmentName, EnvironmentConfig>>;
  /** Where the config was read from, for messages. */
  readonly source: string;
}

/** Redshift engine of the warehouse: Serverless (pay per RPU-hour used), a provisioned cluster, or none. */
export const REDSHIFT_ENGINES = ["serverless", "provisioned", "off"] as const;
export type RedshiftEngine = (typeof REDSHIFT_ENGINES)[number];

/**
 * Optional parts of the lake, per environment (`environments.<env>.features`), each overridable as
 * `EVENT_LAKE_<ENV>_FEATURES_<FIELD>` (`EVENT_LAKE_SANDBOX_FEATURES_SAGEMAKER=false`). Defaults: FEATURE_DEFAULTS.
 */
export interface FeatureConfig {
  /** A NAT gateway (and internet gateway) for egress from the private subnets. */
  readonly natGateway: boolean;
  /** The lake's Lambda functions run in the VPC's private subnets, reaching AWS through the endpoints. */
  readonly lambdasInVpc: boolean;
  /** The audit trail records S3 data events (object reads and writes) of the data zones. */
  readonly trailDataEvents: boolean;
  /** The audit trail also delivers its events to CloudWatch Logs (an encrypted log group, 90 days). */
  readonly trailCloudWatchLogs: boolean;
  /** The warehouse's Redshift engine. */
  readonly redshift: RedshiftEngine;
  /** Provisioned only: the node type, e.g. ra3.xlplus. */
  readonly redshiftNodeType: string;
  /** Provisioned only: the number of nodes. */
  readonly redshiftNodes: number;
  /** A QuickSight data source on the analysts' Athena workgroup (needs a QuickSight subscription). */
  readonly quicksightAthena: boolean;
  /** A QuickSight data source on Redshift through a VPC connection (needs QuickSight Enterprise). */
  readonly quicksightRedshift: boolean;
  /** A SageMaker notebook instance for the data scientists, in the private subnets. */
  readonly sagemaker: boolean;
  /** The zone buckets registered with Lake Formation, their Glue databases tagged by zone. */
  readonly lakeFormation: boolean;
}
