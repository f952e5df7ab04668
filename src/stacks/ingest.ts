import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DeliveryStream } from "../../modules/delivery-stream/index.js";
import { IngestSchedules } from "../../modules/ingest-schedules/index.js";
import { LedgerTable } from "../../modules/ledger-table/index.js";
import { ProducerRole } from "../../modules/producer-role/index.js";
import { TracedFunction } from "../../modules/traced-function/index.js";
import type { HttpPullSource, PipelineDeclaration } from "../core/pipeline.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeParts } from "./context.js";
import { handlerCode } from "./handler-code.js";
import { functionVpc } from "./network.js";
import { deliveredDataset } from "./pipeline-props.js";

// How data gets into the drop zone: pulled on a schedule, pushed by producers, or streamed through Firehose.

/** One Firehose stream per stream pipeline, and the role its producers assume to put records into it. */
export type LakeStreams = Readonly<
  Record<string, { readonly stream: DeliveryStream; readonly producer: IamRole }>
>;

const INGEST = { memorySize: 512, timeout: 300, reservedConcurrency: 5 } as const;

/** Pull pipelines: one ingest function, one EventBridge Scheduler schedule per pipeline, a runs table. */
export function buildIngest(
  scope: Construct,
  parts: LakeParts,
  pulled: readonly (PipelineDeclaration & { source: HttpPullSource })[],
  deletionProtection: boolean,
): { fn: TracedFunction; runs: LedgerTable } {
  const { context, env, zones } = parts;
  const runs = new LedgerTable(scope, "ingest-runs", {
    tableName: physicalName(env.prefix, ["ingest", "runs"], 255),
    sortKey: "sk",
    ttlAttribute: "expires_at",
    deletionProtection,
    key: parts.tablesKey,
  });
  // Failed scheduled invocations (after Lambda's and the scheduler's retries) wait here for a human.
  const schedules = new IngestSchedules(scope, "ingest", {
    context,
    names: {
      failureQueue: physicalName(env.prefix, ["ingest", "failures"], NAME_LIMITS.sqsQueue),
      role: physicalName(env.prefix, ["ingest", "scheduler"], NAME_LIMITS.iamRole),
    },
    alerts: parts.alerts,
  });
  const fn = new TracedFunction(scope, "ingest", {
    functionName: physicalName(env.prefix, ["ingest"], NAME_LIMITS.lambda),
    description: "Pulls each HTTP source on its schedule into the drop zone",
    context,
    logKey: parts.logsKey,
    code: handlerCode(scope, "ingest"),
    memorySize: INGEST.memorySize,
    timeout: INGEST.timeout,
    reservedConcurrency: INGEST.reservedConcurrency,
    vpc: functionVpc(parts),
    environment: { DROP_BUCKET: zones.drop.bucket.bucket, RUNS_TABLE: runs.table.name },
    onFailure: { queue: schedules.failures },
  });
  runs.grantReadWrite(fn.policy);
  // One statement for every pulled prefix: the function's policy grows by an ARN per pipeline, not two statements.
  if (pulled.length > 0)
    zones.drop.grantWrite(
      fn.policy,
      pulled.map((p) => `${p.name}/`),
    );
  const secrets = [...new Set(pulled.flatMap((p) => Object.values(p.source.headers ?? {})))].flatMap((h) =>
    typeof h === "string" ? [] : [h.secret],
  );
  if (secrets.length > 0)
    fn.policy.addStatements({
      actions: ["secretsmanager:GetSecretValue"],
      // Secrets Manager appends 6 random characters to every secret's ARN.
      resources: secrets.map((s) => context.arn("secretsmanager", `secret:${s}-??????`)),
    });

  schedules.invoke(
    fn.function,
    pulled.map((p) => ({
      key: p.name,
      scheduleName: physicalName(env.prefix, ["ingest", p.name], 64),
      description: `Pull ${p.name} from ${p.source.url}`,
      scheduleExpression: p.source.schedule,
      input: { pipeline: p.name },
    })),
  );
  new TerraformOutput(scope, "ingest_function_name", { value: fn.function.functionName });
  new TerraformOutput(scope, "ingest_runs_table_name", { value: runs.table.name });
  new TerraformOutput(scope, "ingest_failures_queue_url", { value: schedules.failures.url });
  return { fn, runs };
}

/**
 * A pipeline's producer role. Who may assume it: `trustedPrincipals.producers` from config, or else the account's
 * principals tagged `event-lake-producer=<pipeline>` (never the whole account: IAM.TrustNoBareAccountRoot).
 */
function producerRole(
  scope: Construct,
  parts: LakeParts,
  pipeline: string,
  role: { readonly name: string; readonly description: string },
): ProducerRole {
  return new ProducerRole(scope, `producer-${pipeline}`, {
    context: parts.context,
    roleName: role.name,
    description: role.description,
    trust: {
      principalArns: parts.env.trustedPrincipals.producers,
      tag: { key: PRODUCER_TAG_KEY, value: pipeline },
    },
  });
}

/** The principal tag that admits a principal to a producer role when no producers are named in config. */
export const PRODUCER_TAG_KEY = "event-lake-producer";

/** Push pipelines: a role per pipeline that producers assume, allowed to write only under that pipeline's prefix. */
export function buildProducers(scope: Construct, parts: LakeParts): Record<string, IamRole> {
  const { env, zones, pipelines } = parts;
  const producers: Record<string, IamRole> = {};
  for (const p of pipelines.filter((x) => x.source.kind === "push")) {
    const producer = producerRole(scope, parts, p.name, {
      name: physicalName(env.prefix, ["push", p.name], NAME_LIMITS.iamRole),
      description: `Producers of ${p.name} assume this role to upload under ${p.name}/ in the drop zone`,
    });
    zones.drop.grantWrite(producer.policy, `${p.name}/`);
    producers[p.name] = producer.role;
    new TerraformOutput(scope, `push_${p.name}_role_arn`, { value: producer.role.arn });
  }
  return producers;
}

/**
 * Stream pipelines: a Firehose stream per pipeline into its drop prefix, and a role per pipeline that producers
 * assume, allowed only to put records into that stream.
 */
export function buildStreams(scope: Construct, parts: LakeParts): LakeStreams {
  const { context, env, zones } = parts;
  const streamed = parts.pipelines.filter((p) => p.source.kind === "stream");
  const streams: Record<string, { stream: DeliveryStream; producer: IamRole }> = {};
  if (streamed.length === 0) return streams;
  for (const p of streamed) {
    const stream = new DeliveryStream(scope, `stream-${p.name}`, {
      context,
      names: {
        stream: physicalName(env.prefix, ["stream", p.name], NAME_LIMITS.default),
        role: physicalName(env.prefix, ["stream", p.name, "delivery"], NAME_LIMITS.iamRole),
      },
      ...deliveredDataset(p),
      zone: zones.drop,
    });
    const producer = producerRole(scope, parts, p.name, {
      name: physicalName(env.prefix, ["stream", p.name, "producer"], NAME_LIMITS.iamRole),
      description: `Producers of ${p.name} assume this role to put records into its Firehose stream`,
    });
    stream.grantPut(producer.policy);
    streams[p.name] = { stream, producer: producer.role };
    new TerraformOutput(scope, `stream_${p.name}_delivery_stream_name`, { value: stream.stream.name });
    new TerraformOutput(scope, `stream_${p.name}_producer_role_arn`, { value: producer.role.arn });
  }
  return streams;
}
