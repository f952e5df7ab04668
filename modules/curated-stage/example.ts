import type { Construct } from "constructs";
import { athenaWorkgroupExample } from "../athena-workgroup/example.js";
import { crawlerChainExample } from "../crawler-chain/example.js";
import { CuratedStage, CURATED_DATABASE_STAND_INS as DB } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function curatedStageExample(scope: Construct): CuratedStage {
  const chain = crawlerChainExample(scope);
  const props = chain.props;
  const workgroup = athenaWorkgroupExample(chain); // any scope: it only needs a results zone
  const stage = new CuratedStage(scope, "curated-orders", {
    context: props.context,
    pipelineName: "orders",
    // Engine athena: a state machine running this INSERT per ingest date ({} is the date, quotes escaped as
    // States.Format wants them); engine glue would give a Glue job and trigger.
    transform: {
      engine: "athena",
      insertTemplate: [
        `INSERT INTO "${DB.curated}"."orders"`,
        "SELECT sku, CAST(ordered_at AS DATE) AS order_date, COUNT(*) AS order_lines, SUM(quantity) AS units,",
        "ROUND(SUM(quantity * unit_price), 2) AS revenue, ingest_date, country",
        `FROM "${DB.raw}"."orders" WHERE ingest_date = DATE \\'{}\\'`,
        "GROUP BY sku, CAST(ordered_at AS DATE), ingest_date, country",
      ].join(" "),
      dateArguments: 1,
    },
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
