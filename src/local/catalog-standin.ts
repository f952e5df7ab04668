import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  BatchCreatePartitionCommand,
  type Column,
  GetCrawlerCommand,
  GetTablesCommand,
  GlueClient,
  StartCrawlerCommand,
  StopCrawlerCommand,
  type Table,
} from "@aws-sdk/client-glue";
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DuckDBInstance } from "@duckdb/node-api";
import { rawChangedSinceRun, transformKey } from "../core/run-ledger.js";
import type { Json, TaskHandler } from "./asl.js";
import { StatesError } from "./asl.js";
import { mirror } from "./athena-standin.js";

export type Zone = "drop" | "raw" | "curated";
export const ZONES: readonly Zone[] = ["drop", "raw", "curated"];

/** The applied lake as the stand-ins need it: names from the stack's outputs. */
export interface CatalogNames {
  readonly buckets: Readonly<Record<Zone, string>>;
  readonly databases: Readonly<Record<Zone, string>>;
  readonly crawlers: Readonly<Record<Zone, string>>;
  readonly crawlerQueues: Readonly<Record<Zone, string>>;
  readonly runsTable: string;
}

export function catalogNames(outputs: Readonly<Record<string, string>>): CatalogNames {
  const out = (name: string) => {
    const value = outputs[name];
    if (value === undefined)
      throw new Error(`the applied local stack has no output ${name}: run make local again`);
    return value;
  };
  const byZone = (f: (z: Zone) => string) => ({ drop: f("drop"), raw: f("raw"), curated: f("curated") });
  return {
    buckets: byZone((z) => out(`${z}_bucket_name`)),
    databases: byZone((z) => out(`${z}_database_name`)),
    crawlers: byZone((z) => out(`${z}_crawler_name`)),
    crawlerQueues: byZone((z) => out(`catalog_${z}_queue_url`)),
    runsTable: out("analytics_runs_table_name"),
  };
}

/**
 * Stand-ins for what moto cannot do in the catalog: crawl, and run Athena SQL. A crawl reads the crawler's S3 event
 * queue (as event mode does), registers the partitions it would find, and emits the same "Glue Crawler State
 * Change" event AWS would, through the deployed rule and queue to the orchestrator. Athena queries run on DuckDB
 * over the Parquet in moto's S3, with the tables the stack declared in Glue.
 */
export class CatalogStandIn {
  private readonly s3: S3Client;
  private readonly glue: GlueClient;
  private readonly sqs: SQSClient;
  private readonly events: EventBridgeClient;
  private readonly dynamo: DynamoDBClient;
  private readonly sns: SNSClient;

  constructor(
    private readonly names: CatalogNames,
    aws: { endpoint: string; region: string },
  ) {
    const config = {
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    };
    this.s3 = new S3Client({ ...config, forcePathStyle: true });
    this.glue = new GlueClient(config);
    this.sqs = new SQSClient(config);
    this.events = new EventBridgeClient(config);
    this.dynamo = new DynamoDBClient(config);
    this.sns = new SNSClient(config);
  }

  /** Crawlers with work: events waiting in their queue, or started (moto leaves a started crawler RUNNING). */
  async pendingCrawls(): Promise<Zone[]> {
    const pending: Zone[] = [];
    for (const zone of ZONES) {
      const { Crawler } = await this.glue.send(new GetCrawlerCommand({ Name: this.names.crawlers[zone] }));
      // Counted, not received: a receive would raise the messages' receive counts toward the DLQ.
      const { Attributes } = await this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.names.crawlerQueues[zone],
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      if (Crawler?.State === "RUNNING" || Number(Attributes?.["ApproximateNumberOfMessages"] ?? 0) > 0)
        pending.push(zone);
    }
    return pending;
  }

  /** One crawl of a zone: consume its events, register partitions, then the state-change event. */
  async crawl(zone: Zone): Promise<{ partitions: number; events: number }> {
    const events = await this.consumeQueue(this.names.crawlerQueues[zone]);
    const partitions = zone === "drop" ? 0 : await this.registerPartitions(zone);
    const name = this.names.crawlers[zone];
    const { Crawler } = await this.glue.send(new GetCrawlerCommand({ Name: name }));
    if (Crawler?.State === "RUNNING")
      await this.glue.send(new StopCrawlerCommand({ Name: name })).catch(() => undefined);
    await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: "aws.glue",
            DetailType: "Glue Crawler State Change",
            Detail: JSON.stringify({
              crawlerName: name,
              state: "Succeeded",
              message: "Crawler Succeeded (event-lake local stand-in)",
              partitionsCreated: String(partitions),
              tablesCreated: "0",
              tablesUpdated: "0",
              tablesDeleted: "0",
              partitionsUpdated: "0",
              partitionsDeleted: "0",
            }),
          },
        ],
      }),
    );
    return { partitions, events };
  }

  private async consumeQueue(queueUrl: string): Promise<number> {
    let consumed = 0;
    for (;;) {
      // No long polling: the queues wait 20 s by default, and an empty queue means this crawl has read everything.
      const { Messages } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages || Messages.length === 0) return consumed;
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      consumed += Messages.length;
    }
  }

  private async tables(zone: Zone): Promise<Table[]> {
    const { TableList } = await this.glue.send(
      new GetTablesCommand({ DatabaseName: this.names.databases[zone] }),
    );
    return TableList ?? [];
  }

  /** Every hive-style folder under each table's location becomes a partition (existing ones are left alone). */
  private async registerPartitions(zone: Zone): Promise<number> {
    let created = 0;
    for (const table of await this.tables(zone)) {
      const keys = (table.PartitionKeys ?? []).map((k) => k.Name ?? "");
      if (keys.length === 0) continue;
      const prefix = `${table.Name}/`;
      const { Contents } = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.names.buckets[zone], Prefix: prefix }),
      );
      const folders = new Set<string>();
      for (const object of Contents ?? []) {
        const parts = (object.Key ?? "").slice(prefix.length).split("/").slice(0, keys.length);
        if (parts.length === keys.length && parts.every((p, i) => p.startsWith(`${keys[i]}=`)))
          folders.add(parts.join("/"));
      }
      const inputs = [...folders].map((folder) => ({
        Values: folder.split("/").map((p) => p.slice(p.indexOf("=") + 1)),
        StorageDescriptor: {
          ...table.StorageDescriptor,
          Location: `s3://${this.names.buckets[zone]}/${prefix}${folder}/`,
        },
      }));
      for (let i = 0; i < inputs.length; i += 100) {
        const { Errors } = await this.glue.send(
          new BatchCreatePartitionCommand({
            DatabaseName: this.names.databases[zone],
            TableName: table.Name,
            PartitionInputList: inputs.slice(i, i + 100),
          }),
        );
        created += inputs.slice(i, i + 100).length - (Errors ?? []).length;
      }
    }
    return created;
  }

  /**
   * Complete raw ingest dates of a pipeline not yet transformed, or whose raw input changed after their run, as the
   * orchestrator would claim them (src/core/run-ledger.ts).
   */
  async datesToTransform(pipeline: string, today = new Date().toISOString().slice(0, 10)): Promise<string[]> {
    const dates = (await this.rawDates(pipeline)).filter((d) => d < today);
    const pending: string[] = [];
    for (const date of dates) {
      const { Item } = await this.dynamo.send(
        new GetItemCommand({
          TableName: this.names.runsTable,
          Key: { pk: { S: transformKey(pipeline, date) } },
        }),
      );
      const done =
        Item?.["status"]?.S === "succeeded" &&
        !rawChangedSinceRun({
          claimedAt: Item["claimed_at"]?.S,
          finishedAt: Item["finished_at"]?.S,
          rawChangedAt: Item["raw_changed_at"]?.S,
        });
      if (!done) pending.push(date);
    }
    return pending;
  }

  /** Every ingest date with raw data of a pipeline, in order. */
  async rawDates(pipeline: string): Promise<string[]> {
    const dates: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.names.buckets.raw,
          Prefix: `${pipeline}/ingest_date=`,
          Delimiter: "/",
          ContinuationToken: token,
        }),
      );
      for (const p of page.CommonPrefixes ?? []) {
        const date = /ingest_date=(\d{4}-\d{2}-\d{2})\/$/.exec(p.Prefix ?? "")?.[1];
        if (date !== undefined) dates.push(date);
      }
      token = page.NextContinuationToken;
    } while (token);
    return dates.sort();
  }

  /** The task resources of the curated stage's ASL, each played against moto or DuckDB. */
  taskHandlers(): Record<string, TaskHandler> {
    const sdk = async <T>(call: () => Promise<T>): Promise<Json> =>
      JSON.parse(JSON.stringify((await call()) ?? {}));
    return {
      "arn:aws:states:::athena:startQueryExecution.sync": async (p) =>
        this.athena(p as { QueryString: string }),
      "arn:aws:states:::dynamodb:updateItem": (p) =>
        sdk(() => this.dynamo.send(new UpdateItemCommand(p as never))),
      "arn:aws:states:::dynamodb:putItem": (p) => sdk(() => this.dynamo.send(new PutItemCommand(p as never))),
      "arn:aws:states:::sns:publish": (p) => sdk(() => this.sns.send(new PublishCommand(p as never))),
      "arn:aws:states:::aws-sdk:glue:startCrawler": async (p) => {
        try {
          return await sdk(() => this.glue.send(new StartCrawlerCommand(p as never)));
        } catch (error) {
          if ((error as Error).name === "CrawlerRunningException")
            throw new StatesError("Glue.CrawlerRunningException", (error as Error).message);
          throw error;
        }
      },
    };
  }

  /**
   * Athena's `INSERT INTO "curated"."t" … SELECT … FROM "raw"."t"` on DuckDB: the raw and curated databases become
   * schemas, raw tables views over moto's Parquet, curated tables empty tables of the declared columns; the rows
   * inserted are written to the curated table's location by partition, replacing what a previous run of the same
   * partition wrote (Athena would append; before a date is transformed, again or not, the runner deletes its curated
   * files as the orchestrator does, so both behave the same).
   */
  private async athena(parameters: { QueryString: string }): Promise<Json> {
    const work = mkdtempSync(join(tmpdir(), "event-lake-athena-"));
    try {
      const db = await (await DuckDBInstance.create(":memory:")).connect();
      for (const zone of ["raw", "curated"] as const) {
        const schema = quote(this.names.databases[zone]);
        await db.run(`CREATE SCHEMA ${schema}`);
        for (const table of await this.tables(zone)) {
          const columns = [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])];
          const ref = `${schema}.${quote(table.Name ?? "")}`;
          if (zone === "curated") {
            await db.run(
              `CREATE TABLE ${ref} (${columns.map((c) => `${quote(c.Name ?? "")} ${duckType(c)}`).join(", ")})`,
            );
            continue;
          }
          const files = await mirror(this.s3, this.names.buckets.raw, `${table.Name}/`, work);
          const select = columns
            .map((c) => `CAST(${quote(c.Name ?? "")} AS ${duckType(c)}) AS ${quote(c.Name ?? "")}`)
            .join(", ");
          const source =
            files.length > 0
              ? `read_parquet('${join(work, table.Name ?? "", "**", "*.parquet").replaceAll("'", "''")}', hive_partitioning = true, union_by_name = true)`
              : `(SELECT ${columns.map((c) => `NULL::${duckType(c)} AS ${quote(c.Name ?? "")}`).join(", ")} WHERE false)`;
          await db.run(`CREATE VIEW ${ref} AS SELECT ${select} FROM ${source}`);
        }
      }
      const target = /^\s*INSERT\s+INTO\s+("[^"]+"\s*\.\s*"[^"]+")/i.exec(parameters.QueryString)?.[1];
      if (!target)
        throw new StatesError(
          "Athena.InvalidRequestException",
          "the local stand-in runs INSERT INTO statements only",
        );
      await db.run(parameters.QueryString);
      const table = (await this.tables("curated")).find((t) => target.endsWith(`"${t.Name}"`));
      const partitionKeys = (table?.PartitionKeys ?? []).map((k) => k.Name ?? "");
      const out = join(work, "out");
      mkdirSync(out, { recursive: true });
      const count = Number(
        (await db.runAndReadAll(`SELECT COUNT(*) AS n FROM ${target}`)).getRowObjects()[0]?.["n"] ?? 0,
      );
      if (count > 0)
        await db.run(
          `COPY ${target} TO '${out.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${partitionKeys.map(quote).join(", ")}), FILENAME_PATTERN 'part-{i}')`,
        );
      db.closeSync();
      await this.replacePartitions(table?.Name ?? "", out);
      return {
        QueryExecution: { QueryExecutionId: `local-${Date.now()}`, Status: { State: "SUCCEEDED" } },
        rows: count,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  private async replacePartitions(table: string, out: string): Promise<void> {
    const files = walk(out);
    const folders = new Set(files.map((f) => relative(out, f).split("/").slice(0, -1).join("/")));
    for (const folder of folders) {
      const prefix = `${table}/${folder}/`;
      const { Contents } = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.names.buckets.curated, Prefix: prefix }),
      );
      if ((Contents ?? []).length > 0)
        await this.s3.send(
          new DeleteObjectsCommand({
            Bucket: this.names.buckets.curated,
            Delete: { Objects: (Contents ?? []).map((c) => ({ Key: c.Key })) },
          }),
        );
    }
    for (const file of files)
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.names.buckets.curated,
          Key: `${table}/${relative(out, file)}`,
          Body: readFileSync(file),
        }),
      );
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Glue (Hive) types to DuckDB's. */
export function duckType(column: Column): string {
  const type = (column.Type ?? "string").toLowerCase();
  const simple: Record<string, string> = {
    string: "VARCHAR",
    int: "INTEGER",
    integer: "INTEGER",
    bigint: "BIGINT",
    smallint: "SMALLINT",
    tinyint: "TINYINT",
    double: "DOUBLE",
    float: "FLOAT",
    boolean: "BOOLEAN",
    date: "DATE",
    timestamp: "TIMESTAMP",
  };
  if (simple[type]) return simple[type];
  if (/^decimal\(\d+,\s*\d+\)$/.test(type) || /^varchar\(\d+\)$/.test(type)) return type.toUpperCase();
  throw new Error(
    `column ${column.Name}: Glue type ${column.Type} has no DuckDB mapping in the local stand-in`,
  );
}

function walk(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  } catch {
    return [];
  }
}
