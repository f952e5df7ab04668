import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Alerts } from "../../modules/alerts/index.js";
import { AwsContext } from "../../modules/aws-context/index.js";
import type { EnvironmentConfig, LakeConfig } from "../config/types.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { physicalName } from "../naming.js";
import { buildAnalytics, buildRunLedger, type LakeAnalytics } from "./analytics.js";
import { addAwsProvider, addBackend } from "./aws-provider.js";
import type { LakeParts } from "./context.js";
import { buildEventing, type LakeEventing } from "./eventing.js";
import { buildGovernance, type LakeGovernance } from "./governance.js";
import { buildLogsKey, buildTablesKey } from "./keys.js";
import { compatFor, forgetRemovedInLocal, LocalDriftAspect } from "./local-compat.js";
import { buildNetwork } from "./network.js";
import { buildProcessing, type LakeProcessing } from "./processing.js";
import { RoleBoundaryAspect, roleBoundaryArn } from "./role-boundary.js";
import { buildWarehouse, type LakeWarehouse } from "./warehouse.js";
import { buildZones, type LakeZones } from "./zones.js";

export interface LakeStackProps {
  readonly lake: LakeConfig;
  readonly env: EnvironmentConfig;
  readonly pipelines: readonly PipelineDeclaration[];
}

/** One environment's lake. Composition only: every resource comes from a construct in modules/. */
export class LakeStack extends TerraformStack {
  readonly context: AwsContext;
  readonly zones: LakeZones;
  readonly eventing: LakeEventing;
  readonly alerts: Alerts;
  readonly processing: LakeProcessing;
  readonly analytics: LakeAnalytics;
  readonly governance: LakeGovernance;
  readonly warehouse: LakeWarehouse;

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id);
    const { lake, env, pipelines } = props;
    const compat = compatFor(env);
    addAwsProvider(this, env);
    addBackend(this, lake, env);
    this.context = new AwsContext(this, "context");
    const context = this.context;

    this.alerts = new Alerts(this, "alerts", {
      context,
      topicName: physicalName(env.prefix, ["alerts"]),
      email: env.alertEmail,
    });
    this.zones = buildZones(this, { context, env, compat, pipelines });
    this.eventing = buildEventing(this, {
      context,
      env,
      compat,
      zones: this.zones,
      alerts: this.alerts.topic,
    });
    const core = {
      context,
      env,
      compat,
      pipelines,
      zones: this.zones,
      eventing: this.eventing,
      alerts: this.alerts.topic,
      logsKey: buildLogsKey(this, context, env),
      tablesKey: buildTablesKey(this, context, env),
    };
    const parts: LakeParts = { ...core, network: buildNetwork(this, core) };
    // Each step is its own file in src/stacks/, composing constructs from modules/.
    const runs = buildRunLedger(this, parts);
    this.processing = buildProcessing(this, { ...parts, analyticsRuns: runs });
    this.analytics = buildAnalytics(this, { ...parts, processing: this.processing, runs });
    this.governance = buildGovernance(this, { ...parts, analytics: this.analytics, lake });
    this.warehouse = buildWarehouse(this, {
      ...parts,
      analytics: this.analytics,
      governance: this.governance,
    });

    this.outputs();
    Aspects.of(this).add(new RoleBoundaryAspect(roleBoundaryArn(context.partition)));
    if (compat.isLocal) Aspects.of(this).add(new LocalDriftAspect());
    // A removed pipeline's named queries are forgotten in local, never deleted (moto has no DeleteNamedQuery).
    if (compat.isLocal && env.stateDir !== undefined)
      forgetRemovedInLocal(this, `${env.stateDir}/terraform.tfstate`);
  }

  /** `<thing>_<attribute>` outputs: what scripts, the local runner and humans look up. */
  private outputs(): void {
    const out = (name: string, value: string) => new TerraformOutput(this, name, { value });
    for (const [name, zone] of Object.entries(this.zones))
      out(`${snake(name)}_bucket_name`, zone.bucket.bucket);
    for (const [name, fanout] of Object.entries(this.eventing.fanouts))
      out(`${name}_topic_arn`, fanout.topic.arn);
    out("drop_to_raw_queue_url", this.eventing.converter.queue.url);
    out("drop_to_raw_dlq_url", this.eventing.converter.dlq.url);
    for (const [zone, consumer] of Object.entries(this.eventing.catalog)) {
      out(`catalog_${zone}_queue_url`, consumer.queue.url);
      out(`catalog_${zone}_dlq_url`, consumer.dlq.url);
    }
    out("alerts_topic_arn", this.alerts.topic.arn);
  }
}

function snake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}
