import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AthenaWorkgroup } from "../../modules/athena-workgroup/index.js";
import { CrawlerChain } from "../../modules/crawler-chain/index.js";
import { CuratedStage } from "../../modules/curated-stage/index.js";
import { CATALOG_ZONES, GlueCatalog } from "../../modules/glue-catalog/index.js";
import { LedgerTable } from "../../modules/ledger-table/index.js";
import { NAME_LIMITS, physicalName } from "../naming.js";
import { namedQueries } from "../sql/statements.js";
import type { LakeParts } from "./context.js";
import { handlerCode } from "./handler-code.js";
import { functionVpc } from "./network.js";
import { catalogTable, curatedTransform } from "./pipeline-props.js";
import type { LakeProcessing } from "./processing.js";

/** Catalog, crawler chain, Athena and the curated stage (issue #5). */
export interface LakeAnalytics {
  readonly catalog: GlueCatalog;
  readonly chain: CrawlerChain;
  readonly workgroup: AthenaWorkgroup;
  readonly analysts: AthenaWorkgroup;
  readonly runs: LedgerTable;
  readonly curated: Readonly<Record<string, CuratedStage>>;
}

/** Bytes one query may scan: the lake's workgroup (transforms) and the analysts' (ad-hoc, smaller). */
const CUTOFF = { lake: 100 * 1024 ** 3, analysts: 10 * 1024 ** 3 } as const;

/**
 * The analytics run ledger: crawler events, curated runs and one item per claimed ingest date. Built before the
 * processing step, whose converter records raw changes of dates already transformed in it.
 */
export function buildRunLedger(scope: Construct, parts: LakeParts): LedgerTable {
  return new LedgerTable(scope, "analytics-runs", {
    tableName: physicalName(parts.env.prefix, ["analytics", "runs"], 255),
    deletionProtection: !parts.compat.isLocal,
    key: parts.tablesKey,
  });
}

export function buildAnalytics(
  scope: Construct,
  parts: LakeParts & { processing: LakeProcessing; runs: LedgerTable },
): LakeAnalytics {
  const { context, env, compat, zones, eventing, pipelines, alerts, runs } = parts;
  const name = (...p: string[]) => physicalName(env.prefix, p);
  const database = (zone: string) =>
    physicalName(env.prefix, [zone], NAME_LIMITS.glueDatabase).replaceAll("-", "_");
  const catalogZones = { drop: zones.drop, raw: zones.raw, curated: zones.curated };

  const catalog = new GlueCatalog(scope, "catalog", {
    context,
    databaseNames: { drop: database("drop"), raw: database("raw"), curated: database("curated") },
    zones: catalogZones,
    securityConfigurationName: name("glue"),
    tables: pipelines.map(catalogTable),
  });
  const chain = new CrawlerChain(scope, "crawler-chain", {
    context,
    catalog,
    zones: catalogZones,
    queues: eventing.catalog,
    pipelines: pipelines.map((p) => p.name),
    names: {
      crawlers: { drop: name("crawl", "drop"), raw: name("crawl", "raw"), curated: name("crawl", "curated") },
      crawlerRole: physicalName(env.prefix, ["crawler"], NAME_LIMITS.iamRole),
      rule: name("crawler-state"),
      queue: physicalName(env.prefix, ["orchestrator"], NAME_LIMITS.sqsQueue - 4),
      function: physicalName(env.prefix, ["orchestrator"], NAME_LIMITS.lambda),
    },
    code: handlerCode(scope, "orchestrator"),
    ledger: runs.table,
    alerts,
    eventSourceMappingEnabled: compat.eventSourceMappingsEnabled,
    replaceOnChange: !compat.glueCrawlerUpdates,
    vpc: functionVpc(parts),
    logKey: parts.logsKey,
  });

  const forceDestroy = { enabled: compat.isLocal, acknowledgeQueryLoss: compat.isLocal };
  const workgroup = new AthenaWorkgroup(scope, "workgroup-lake", {
    context,
    name: name("lake"),
    description: "Curated transforms and operators' queries",
    results: zones.athenaResults,
    bytesScannedCutoffPerQuery: CUTOFF.lake,
    forceDestroy,
  });
  const analysts = new AthenaWorkgroup(scope, "workgroup-analysts", {
    context,
    name: name("analysts"),
    description: "Read-only analysis of the curated zone",
    results: zones.athenaResults,
    bytesScannedCutoffPerQuery: CUTOFF.analysts,
    forceDestroy,
  });

  const curated: Record<string, CuratedStage> = {};
  for (const pipeline of pipelines) {
    const tables = {
      raw: { database: catalog.databases.raw.name, table: pipeline.name },
      curated: { database: catalog.databases.curated.name, table: pipeline.name },
    };
    for (const query of namedQueries(pipeline, tables)) {
      // The transform writes: it belongs to the lake's workgroup; everything else is read-only.
      const target = query.name.endsWith("-curated-transform") ? workgroup : analysts;
      target.addNamedQuery(query);
    }
    const stage = new CuratedStage(scope, `curated-${pipeline.name}`, {
      context,
      pipelineName: pipeline.name,
      transform: curatedTransform(pipeline),
      name: physicalName(env.prefix, ["curated", pipeline.name], NAME_LIMITS.iamRole),
      catalog,
      workgroup,
      zones: { raw: zones.raw, curated: zones.curated },
      curatedCrawler: chain.crawlers.curated,
      ledger: runs.table,
      alerts,
      createStateMachine: compat.stateMachines,
      logKey: parts.logsKey,
    });
    curated[pipeline.name] = stage;
    if (stage.stateMachine) {
      chain.addTransform(pipeline.name, { stateMachine: stage.stateMachine });
      new TerraformOutput(scope, `curated_${pipeline.name}_state_machine_arn`, {
        value: stage.stateMachine.arn,
      });
    } else if (stage.job) {
      chain.addTransform(pipeline.name, { job: stage.job });
      new TerraformOutput(scope, `curated_${pipeline.name}_job_name`, { value: stage.job.name });
    } else if (stage.definition) {
      // Local has no state machine (moto hangs on it): the definition it would run goes into the state, where the
      // local runner takes it from and walks it.
      new TerraformOutput(scope, `curated_${pipeline.name}_definition`, {
        value: JSON.stringify(stage.definition),
      });
    }
  }

  for (const zone of CATALOG_ZONES) {
    new TerraformOutput(scope, `${zone}_database_name`, { value: catalog.databases[zone].name });
    new TerraformOutput(scope, `${zone}_crawler_name`, { value: chain.crawlers[zone].name });
  }
  new TerraformOutput(scope, "lake_workgroup_name", { value: workgroup.name });
  new TerraformOutput(scope, "analysts_workgroup_name", { value: analysts.name });
  new TerraformOutput(scope, "orchestrator_function_name", { value: chain.orchestrator.functionName });
  new TerraformOutput(scope, "orchestrator_queue_url", { value: chain.queue.url });
  new TerraformOutput(scope, "orchestrator_dlq_url", { value: chain.dlq.url });
  new TerraformOutput(scope, "analytics_runs_table_name", { value: runs.table.name });
  return { catalog, chain, workgroup, analysts, runs, curated };
}
