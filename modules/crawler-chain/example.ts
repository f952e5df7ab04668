import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { Construct } from "constructs";
import { EventFanout } from "../event-fanout/index.js";
import { glueCatalogExample } from "../glue-catalog/example.js";
import { CrawlerChain } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function crawlerChainExample(scope: Construct): CrawlerChain {
  const catalog = glueCatalogExample(scope); // its zones are zone-drop, zone-raw, zone-curated
  const context = catalog.node.scope?.node.findChild("context") as CrawlerChain["props"]["context"];
  const alerts = new SnsTopic(scope, "alerts", { name: "event-lake-test-alerts" });
  const zone = (name: "drop" | "raw" | "curated") =>
    scope.node.findChild(`zone-${name}`) as CrawlerChain["props"]["zones"]["drop"];
  const queue = (name: "drop" | "raw" | "curated") =>
    new EventFanout(scope, `events-${name}`, {
      context,
      zone: zone(name),
      alerts,
      topicName: `event-lake-test-${name}-events`,
    }).addConsumer("catalog", {
      queueName: `event-lake-test-catalog-${name}`,
      consumerTimeoutSeconds: 300,
      excludeKeyPrefix: "_",
    });
  const ledger = new DynamodbTable(scope, "runs", {
    name: "event-lake-test-runs",
    hashKey: "pk",
    attribute: [{ name: "pk", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
  });
  return new CrawlerChain(scope, "crawler-chain", {
    context,
    catalog,
    zones: { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") },
    queues: { drop: queue("drop"), raw: queue("raw"), curated: queue("curated") },
    pipelines: ["orders"],
    names: {
      crawlers: {
        drop: "event-lake-test-crawl-drop",
        raw: "event-lake-test-crawl-raw",
        curated: "event-lake-test-crawl-curated",
      },
      crawlerRole: "event-lake-test-crawler",
      rule: "event-lake-test-crawler-state",
      queue: "event-lake-test-orchestrator",
      function: "event-lake-test-orchestrator",
    },
    schedules: { drop: "cron(15 3 * * ? *)" }, // one safety-net crawl a day; events do the rest
    code: { zipPath: "/work/main/dist/handlers/orchestrator.zip" },
    ledger,
    alerts,
  });
}
