import { existsSync, readFileSync } from "node:fs";
import { type IAspect, TerraformResource, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { EnvironmentConfig } from "../config/types.js";

/**
 * The one place that knows how moto 5.2.1 differs from AWS. Every gap makes the provider retry a 500 for 20
 * minutes or more, so it shows up as a hang, not an error. Stacks never test `env.name === "local"` themselves:
 * they read the settings `compatFor` returns. docs/local-gaps.md lists every gap below (a test checks).
 */
export interface LocalGap {
  readonly id: string;
  readonly what: string;
  readonly handling: string;
}

export const LOCAL_GAPS: readonly LocalGap[] = [
  {
    id: "s3-secure-transport",
    what: "moto enforces Deny statements but never evaluates aws:SecureTransport, so a TLS-only bucket policy denies every request",
    handling: "the DenyInsecureTransport statement is left out of bucket policies in local only",
  },
  {
    id: "sqs-separate-policies",
    what: "a separate aws_sqs_queue_redrive_policy or an attribute update wipes the queue policy, and the policy waiter hangs",
    handling:
      "every environment uses the inline redrive_policy on the queue; only the queue policy is a separate resource",
  },
  {
    id: "sqs-redrive-allow-policy",
    what: "RedriveAllowPolicy is accepted but never stored, so the provider's attribute waiter hangs 3 minutes, then fails",
    handling: "DLQs get no redrive_allow_policy in local (found here, not in TOOLCHAIN.md)",
  },
  {
    id: "s3-event-key-encoding",
    what: 'event keys are quote_plus-encoded, "/" included, so an SNS filter on the prefix "orders/" never matches',
    handling:
      "the catalog queues' filter names one prefix encoding leaves alone (every key but _), so it means the same in local; handlers decode keys the way real S3 needs too",
  },
  {
    id: "s3-event-version-id",
    what: "events of a versioned bucket carry no versionId (nor a sequencer), only the ETag",
    handling:
      "in local only, drop-to-raw finds the version with a HEAD conditioned on the event's ETag (RESOLVE_EVENT_VERSIONS; AWS names the version in a versioned bucket's events), so a key's newest version wins in local too (found here)",
  },
  {
    id: "lambda-logging-config",
    what: "LoggingConfig (JSON log format, log group) is accepted but not returned, so every plan updates every function",
    handling:
      "local ignores changes to logging_config (LOCAL_IGNORE_CHANGES); Powertools logs JSON either way",
  },
  {
    id: "sqs-redrive-json",
    what: "redrive_policy comes back re-spaced, so every plan updates every queue",
    handling:
      "local ignores changes to redrive_policy (LOCAL_IGNORE_CHANGES); a changed maxReceiveCount needs make local/down",
  },
  {
    id: "sqs-event-source-mappings",
    what: "moto tries to run SQS event source mappings, fails without Docker and returns the message, raising its receive count",
    handling: "event source mappings are created disabled in local; the local runner is the only consumer",
  },
  {
    id: "lambda-invoke",
    what: "moto stores functions but cannot invoke them without Docker",
    handling: "the local runner invokes the bundled handler zips itself",
  },
  {
    id: "step-functions",
    what: "no ValidateStateMachineDefinition or ListStateMachineVersions, so plan hangs; executions never run",
    handling: "state machines are left out of the local stack; the local runner walks their ASL",
  },
  {
    id: "cloudtrail-logging",
    what: "StartLogging fails",
    handling: "enable_logging = false in local",
  },
  {
    id: "redshift-serverless",
    what: "moto has no Redshift Serverless backend",
    handling: "left out of the local stack",
  },
  {
    id: "redshift-cluster",
    what: "the cluster waiter needs fields moto leaves empty (ClusterAvailabilityStatus, MultiAZ)",
    handling: "left out of the local stack",
  },
  {
    id: "quicksight",
    what: "data source timestamps come back as strings and there is no permissions call",
    handling: "left out of the local stack",
  },
  {
    id: "xray-sampling-rule",
    what: "not implemented",
    handling: "left out of the local stack",
  },
  {
    id: "vpc-flow-log-status",
    what: "a flow log's log group is checked only by LogGroupName, so one with a log_destination ARN reports delivery FAILED",
    handling:
      "nothing to change: the flow log is created as in AWS; no test reads its delivery status (found here)",
  },
  {
    id: "glue-job",
    what: "no UpdateJob, and ExecutionClass is returned",
    handling: "execution_class = STANDARD is set explicitly everywhere, so there is no diff",
  },
  {
    id: "glue-crawler-update",
    what: "no UpdateCrawler: a changed crawler (its targets change with every pipeline added or removed) answers 500, and the provider retries until the apply times out",
    handling:
      "in local a crawler whose settings change is replaced instead (a terraform_data of its settings in its replace_triggered_by); a crawler holds no data (found here)",
  },
  {
    id: "athena-named-query-destroy",
    what: "no DeleteNamedQuery, so destroying a named query hangs (a removed pipeline's queries, or the whole stack)",
    handling:
      "a named query that is in the local state but no longer in the stack (its pipeline was removed) is forgotten, not deleted: the local synth writes a removed block (lifecycle destroy = false) for it, and it stays in moto; local is torn down by stopping moto (found here)",
  },
  {
    id: "lakeformation-destroy",
    what: "destroying Lake Formation permissions always fails",
    handling: "local is torn down by stopping moto and deleting its state, never by terraform destroy",
  },
  {
    id: "lakeformation-hybrid-access",
    what: "RegisterResource ignores HybridAccessEnabled and DescribeResource never returns it, so every plan replaces every registration",
    handling: "local ignores changes to hybrid_access_enabled (LOCAL_IGNORE_CHANGES) (found here)",
  },
  {
    id: "lakeformation-tag-policy-grants",
    what: 'ListPermissions rejects an LF-tag policy resource with a 400 ("must have either the catalog, table or database field"), so reading back an LF-tag grant fails the apply',
    handling:
      "local registers the zones, tags the databases and grants data locations, but makes no LF-tag-based persona grants (found here)",
  },
  {
    id: "sagemaker-notebook-attributes",
    what: "a notebook instance's PlatformIdentifier and InstanceMetadataServiceConfiguration are never returned, so every plan replaces the instance",
    handling: "local ignores changes to both (LOCAL_IGNORE_CHANGES) (found here)",
  },
  {
    id: "sagemaker-lifecycle-tags",
    what: "ListTags on a notebook lifecycle configuration answers 500, so creating one hangs the provider",
    handling: "the notebook gets no idle-stop lifecycle configuration in local (found here)",
  },
  {
    id: "firehose-delivery",
    what: "PutRecord(Batch) writes one plain object per call at once, under the prefix taken literally (!{timestamp:...} not evaluated) plus YYYY/MM/DD/HH/, with no gzip, no file extension, no IAM check and no error output",
    handling:
      "the stream is built as in AWS (applies and re-plans clean); the local runner uploads a stream pipeline's sample where Firehose would put it (found here)",
  },
  {
    id: "glue-crawlers",
    what: "crawlers do not crawl, emit no events and create no tables",
    handling: "the local runner stands in for a crawler run and emits the state-change event itself",
  },
  {
    id: "athena-sql",
    what: "queries succeed at once with empty results",
    handling: "the local runner executes the SQL on DuckDB against the Parquet in moto's S3",
  },
];

/** What a stack builds differently because of the gaps above. Everything is `true` outside local. */
export interface CompatSettings {
  readonly isLocal: boolean;
  readonly denyInsecureTransport: boolean;
  readonly sqsRedriveAllowPolicy: boolean;
  readonly eventSourceMappingsEnabled: boolean;
  readonly stateMachines: boolean;
  readonly cloudtrailLogging: boolean;
  readonly redshift: boolean;
  readonly quicksight: boolean;
  readonly xraySamplingRules: boolean;
  /** A notebook instance may have a lifecycle configuration (the idle stop). */
  readonly sagemakerLifecycleConfig: boolean;
  /** Lake Formation grants on LF-tag expressions (the personas' grants). */
  readonly lakeformationTagGrants: boolean;
  /** Buckets may be force-destroyed: local data is disposable. */
  readonly forceDestroyBuckets: boolean;
  /** S3 events name the object version (else drop-to-raw looks it up by ETag). */
  readonly eventsNameVersions: boolean;
  /** A crawler can be updated in place (else one whose settings change is replaced). */
  readonly glueCrawlerUpdates: boolean;
}

export function compatFor(env: Pick<EnvironmentConfig, "name">): CompatSettings {
  const local = env.name === "local";
  return {
    isLocal: local,
    denyInsecureTransport: !local,
    sqsRedriveAllowPolicy: !local,
    eventSourceMappingsEnabled: !local,
    stateMachines: !local,
    cloudtrailLogging: !local,
    redshift: !local,
    quicksight: !local,
    xraySamplingRules: !local,
    sagemakerLifecycleConfig: !local,
    lakeformationTagGrants: !local,
    forceDestroyBuckets: local,
    eventsNameVersions: !local,
    glueCrawlerUpdates: !local,
  };
}

/** Services the local stack talks to; each is pointed at moto (STS included, so the account id is known). */
export const LOCAL_ENDPOINT_SERVICES = [
  "athena",
  "cloudtrail",
  "cloudwatch",
  "cloudwatchlogs",
  "dynamodb",
  "ec2",
  "eventbridge",
  "firehose",
  "glue",
  "iam",
  "kms",
  "lakeformation",
  "lambda",
  "redshift",
  "s3",
  "sagemaker",
  "scheduler",
  "secretsmanager",
  "sfn",
  "sns",
  "sqs",
  "sts",
] as const;

/** Attributes moto echoes back differently, which would make every local plan update the same resources. */
export const LOCAL_IGNORE_CHANGES: Readonly<Record<string, readonly string[]>> = {
  aws_lakeformation_resource: ["hybrid_access_enabled"],
  aws_lambda_function: ["logging_config"],
  aws_sagemaker_notebook_instance: ["platform_identifier", "instance_metadata_service_configuration"],
  aws_sqs_queue: ["redrive_policy"],
};

/** Applied to the local stack only: `lifecycle.ignore_changes` for the attributes in LOCAL_IGNORE_CHANGES. */
export class LocalDriftAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const ignore = LOCAL_IGNORE_CHANGES[node.terraformResourceType];
    if (ignore) node.lifecycle = { ...node.lifecycle, ignoreChanges: [...ignore] };
  }
}

/** Types moto cannot delete: in local, one that left the stack is forgotten, never deleted. */
export const LOCAL_FORGET_ON_REMOVE: readonly string[] = ["aws_athena_named_query"];

/**
 * The local stack only, once built: every resource of a LOCAL_FORGET_ON_REMOVE type that the local state at
 * `statePath` holds and the stack no longer has (its pipeline was removed) gets a `removed` block with
 * `destroy = false`, so the apply forgets it instead of hanging on a delete moto cannot do. Returns the addresses.
 */
export function forgetRemovedInLocal(stack: TerraformStack, statePath: string): string[] {
  if (!existsSync(statePath)) return [];
  const state = JSON.parse(readFileSync(statePath, "utf8")) as {
    resources?: { mode: string; type: string; name: string; module?: string }[];
  };
  const present = new Set(
    stack.node
      .findAll()
      .filter((c): c is TerraformResource => c instanceof TerraformResource)
      .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
  );
  const gone = (state.resources ?? [])
    .filter((r) => r.mode === "managed" && r.module === undefined && LOCAL_FORGET_ON_REMOVE.includes(r.type))
    .map((r) => `${r.type}.${r.name}`)
    .filter((address) => !present.has(address))
    .sort();
  if (gone.length > 0)
    stack.addOverride(
      "removed",
      gone.map((from) => ({ from, lifecycle: { destroy: false } })),
    );
  return gone;
}
