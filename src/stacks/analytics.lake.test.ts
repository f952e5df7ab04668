import {
  AthenaClient,
  GetNamedQueryCommand,
  GetWorkGroupCommand,
  ListNamedQueriesCommand,
} from "@aws-sdk/client-athena";
import { EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import {
  GetCrawlerCommand,
  GetSecurityConfigurationCommand,
  GetTableCommand,
  GlueClient,
} from "@aws-sdk/client-glue";
import { describe, expect, it } from "vitest";
import { loadPipelines } from "../pipelines/index.js";
import { lake, output } from "../testing/lake.js";
import { motoClientConfig } from "../testing/moto.js";

// The catalog and analytics layer of the applied local stack, read back from moto.
describe("analytics in the applied local stack", () => {
  const glue = () => new GlueClient(motoClientConfig(lake().endpoint));

  it("has a crawler per zone in S3 event mode on the zone's catalog queue, logging schema changes", async () => {
    for (const zone of ["drop", "raw", "curated"]) {
      const { Crawler } = await glue().send(new GetCrawlerCommand({ Name: output(`${zone}_crawler_name`) }));
      expect(Crawler?.RecrawlPolicy?.RecrawlBehavior).toBe("CRAWL_EVENT_MODE");
      expect(Crawler?.SchemaChangePolicy).toEqual({ UpdateBehavior: "LOG", DeleteBehavior: "LOG" });
      expect(Crawler?.DatabaseName).toBe(output(`${zone}_database_name`));
      expect(Crawler?.CrawlerSecurityConfiguration).toBe("event-lake-local-glue");
      const targets = zone === "drop" ? Crawler?.Targets?.S3Targets : Crawler?.Targets?.CatalogTargets;
      const queue = output(`catalog_${zone}_queue_url`).split("/").pop();
      expect(targets?.map((t) => t.EventQueueArn?.split(":").pop())).toEqual(
        // the drop crawler: one S3 target per pipeline, all on the zone's queue
        zone === "drop" ? (await loadPipelines()).map(() => queue) : [queue],
      );
    }
  });

  it("declares the raw orders table as the converter writes it", async () => {
    const { Table } = await glue().send(
      new GetTableCommand({ DatabaseName: output("raw_database_name"), Name: "orders" }),
    );
    expect(Table?.PartitionKeys?.map((c) => `${c.Name}:${c.Type}`)).toEqual([
      "ingest_date:date",
      "country:string",
    ]);
    expect(Table?.StorageDescriptor?.Columns?.map((c) => `${c.Name}:${c.Type}`)).toEqual([
      "order_id:bigint",
      "customer_id:bigint",
      "sku:string",
      "quantity:int",
      "unit_price:double",
      "ordered_at:timestamp",
      "is_gift:boolean",
      "_source_key:string",
      "_source_line:bigint",
    ]);
    expect(Table?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    );
  });

  it("has the security configuration with KMS for S3, logs and bookmarks", async () => {
    const { SecurityConfiguration } = await glue().send(
      new GetSecurityConfigurationCommand({ Name: "event-lake-local-glue" }),
    );
    const enc = SecurityConfiguration?.EncryptionConfiguration;
    expect([
      enc?.S3Encryption?.[0]?.S3EncryptionMode,
      enc?.CloudWatchEncryption?.CloudWatchEncryptionMode,
      enc?.JobBookmarksEncryption?.JobBookmarksEncryptionMode,
    ]).toEqual(["SSE-KMS", "SSE-KMS", "CSE-KMS"]);
  });

  it("has enforced engine-3 workgroups with KMS results and a cutoff, and the named queries", async () => {
    const athena = new AthenaClient(motoClientConfig(lake().endpoint));
    for (const [name, cutoff] of [
      ["lake", 100 * 1024 ** 3],
      ["analysts", 10 * 1024 ** 3],
    ] as const) {
      const { WorkGroup } = await athena.send(
        new GetWorkGroupCommand({ WorkGroup: output(`${name}_workgroup_name`) }),
      );
      const config = WorkGroup?.Configuration;
      expect(config?.EnforceWorkGroupConfiguration).toBe(true);
      expect(config?.BytesScannedCutoffPerQuery).toBe(cutoff);
      expect(config?.ResultConfiguration?.EncryptionConfiguration?.EncryptionOption).toBe("SSE_KMS");
      expect(config?.ResultConfiguration?.OutputLocation).toBe(
        `s3://${output("athena_results_bucket_name")}/${output(`${name}_workgroup_name`)}/`,
      );
    }
    const named = await athena.send(
      new ListNamedQueriesCommand({ WorkGroup: output("analysts_workgroup_name") }),
    );
    // three examples per pipeline, the shipped ones
    const pipelines = (await loadPipelines()).map((p) => p.name).sort();
    // moto has no BatchGetNamedQuery: one GetNamedQuery each.
    const names: string[] = [];
    for (const id of named.NamedQueryIds ?? [])
      names.push((await athena.send(new GetNamedQueryCommand({ NamedQueryId: id }))).NamedQuery?.Name ?? "");
    // A removed pipeline's queries stay in moto, forgotten by the local state (athena-named-query-destroy).
    const shipped = names.filter((n) => pipelines.some((p) => n.startsWith(`${p}-`)));
    expect(shipped.sort()).toEqual(
      pipelines.flatMap((p) =>
        ["curated-last-week", "raw-rows-per-day", "transform-preview"].map((q) => `${p}-${q}`),
      ),
    );
  });

  it("sends crawler state changes to the orchestrator queue only", async () => {
    const events = new EventBridgeClient(motoClientConfig(lake().endpoint));
    const { Targets } = await events.send(
      new ListTargetsByRuleCommand({ Rule: "event-lake-local-crawler-state" }),
    );
    expect(Targets?.map((t) => t.Arn?.split(":").pop())).toEqual([
      output("orchestrator_queue_url").split("/").pop(),
    ]);
  });
});
