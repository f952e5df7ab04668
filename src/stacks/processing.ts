import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DuckdbLayer } from "../../modules/duckdb-layer/index.js";
import { LedgerTable } from "../../modules/ledger-table/index.js";
import { TracedFunction } from "../../modules/traced-function/index.js";
import type { HttpPullSource, PipelineDeclaration } from "../core/pipeline.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import type { LakeParts } from "./context.js";
import { CONVERTER_TIMEOUT_SECONDS } from "./eventing.js";
import { handlerCode } from "./handler-code.js";
import { buildIngest, buildProducers, buildStreams, type LakeStreams } from "./ingest.js";
import { functionVpc } from "./network.js";

/** The Lambdas that move data into the lake, and their bookkeeping. */
export interface LakeProcessing {
  readonly converter: TracedFunction;
  readonly ledger: LedgerTable;
  readonly ingest?: TracedFunction;
  readonly runs?: LedgerTable;
  /** One role per push pipeline, allowed to write only under that pipeline's prefix. */
  readonly producers: Readonly<Record<string, IamRole>>;
  /** One Firehose stream per stream pipeline, and the role its producers assume to put records into it. */
  readonly streams: LakeStreams;
}

/** Converter sizing: DuckDB gets half the memory; /tmp holds the downloaded file and the Parquet it writes. */
const CONVERTER = { memorySize: 2048, ephemeralStorageMb: 4096, batchSize: 5, maxConcurrency: 10 } as const;

export function buildProcessing(
  scope: Construct,
  parts: LakeParts & { readonly analyticsRuns: LedgerTable },
): LakeProcessing {
  const { context, env, compat, zones, eventing, pipelines, analyticsRuns } = parts;
  const name = (...p: string[]) => physicalName(env.prefix, p, NAME_LIMITS.lambda);
  const deletionProtection = !compat.isLocal;

  // drop-to-raw: the drop zone's queue -> validated Parquet in raw, bad rows in quarantine, a ledger item per object.
  const duckdb = new DuckdbLayer(scope, "layer-duckdb", {
    layerName: name("duckdb"),
    code: handlerCode(scope, "layer-duckdb"),
  });
  const ledger = new LedgerTable(scope, "drop-to-raw-ledger", {
    tableName: physicalName(env.prefix, ["drop-to-raw", "ledger"], 255),
    deletionProtection,
    key: parts.tablesKey,
  });
  const converter = new TracedFunction(scope, "drop-to-raw", {
    functionName: name("drop-to-raw"),
    description: "Validates each dropped file, writes Parquet to raw and bad rows to quarantine",
    context,
    logKey: parts.logsKey,
    code: handlerCode(scope, "drop-to-raw"),
    memorySize: CONVERTER.memorySize,
    timeout: CONVERTER_TIMEOUT_SECONDS,
    ephemeralStorageMb: CONVERTER.ephemeralStorageMb,
    layers: [duckdb.layer],
    vpc: functionVpc(parts),
    environment: {
      RAW_BUCKET: zones.raw.bucket.bucket,
      QUARANTINE_BUCKET: zones.quarantine.bucket.bucket,
      LEDGER_TABLE: ledger.table.name,
      ANALYTICS_RUNS_TABLE: analyticsRuns.table.name,
      ...(compat.eventsNameVersions ? {} : { RESOLVE_EVENT_VERSIONS: "true" }),
    },
  });
  // Every prefix: an object under no pipeline's prefix is read and quarantined whole, never ignored.
  zones.drop.grantRead(converter.policy);
  // A key's newest version wins (handlers/drop-to-raw/supersede.ts): list the key's versions, delete older outputs.
  zones.drop.grantListVersions(converter.policy);
  zones.raw.grantWrite(converter.policy);
  zones.raw.grantDelete(converter.policy);
  zones.quarantine.grantWrite(converter.policy);
  zones.quarantine.grantDelete(converter.policy);
  ledger.grantReadWrite(converter.policy);
  // A raw change under an ingest date already transformed reopens it (src/core/run-ledger.ts).
  analyticsRuns.grantUpdateItems(converter.policy, "transform#");
  eventing.converter.grantConsume(converter.policy);
  converter.addSqsSource(eventing.converter.queue, {
    batchSize: CONVERTER.batchSize,
    maxConcurrency: CONVERTER.maxConcurrency,
    enabled: compat.eventSourceMappingsEnabled,
    key: zones.drop.key,
  });

  const pulled = pipelines.filter(
    (p): p is PipelineDeclaration & { source: HttpPullSource } => p.source.kind === "http",
  );
  const ingest = pulled.length > 0 ? buildIngest(scope, parts, pulled, deletionProtection) : undefined;
  const producers = buildProducers(scope, parts);
  const streams = buildStreams(scope, parts);

  new TerraformOutput(scope, "drop_to_raw_function_name", { value: converter.function.functionName });
  new TerraformOutput(scope, "drop_to_raw_ledger_table_name", { value: ledger.table.name });
  return { converter, ledger, ingest: ingest?.fn, runs: ingest?.runs, producers, streams };
}
