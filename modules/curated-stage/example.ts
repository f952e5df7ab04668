import type { Construct } from "constructs";
import orders from "../../src/pipelines/definitions/orders.js";
import { athenaWorkgroupExample } from "../athena-workgroup/example.js";
import { crawlerChainExample } from "../crawler-chain/example.js";
import { CuratedStage } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function curatedStageExample(scope: Construct): CuratedStage {
  const chain = crawlerChainExample(scope);
  const props = chain.props;
  const workgroup = athenaWorkgroupExample(chain); // any scope: it only needs a results zone
  const stage = new CuratedStage(scope, "curated-orders", {
    context: props.context,
    pipeline: orders, // engine athena: a state machine; engine glue would give a Glue job and trigger
    name: "event-lake-test-curated-orders",
    catalog: props.catalog,
    workgroup,
    zones: { raw: props.zones.raw, curated: props.zones.curated },
    curatedCrawler: chain.crawlers.curated,
    ledger: props.ledger,
    alerts: props.alerts,
  });
  // The orchestrator starts it once raw is crawled; the local runner walks `stage.definition` instead.
  if (stage.stateMachine) chain.addTransform("orders", { stateMachine: stage.stateMachine });
  return stage;
}
