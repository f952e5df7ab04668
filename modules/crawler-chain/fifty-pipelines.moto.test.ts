import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GetCrawlerCommand, GlueClient } from "@aws-sdk/client-glue";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { App, Aspects, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import type { PipelineDeclaration } from "../../src/core/pipeline.js";
import { type MotoServer, startMoto, stopMoto } from "../../src/local/moto.js";
import clickstream from "../../src/pipelines/definitions/clickstream.js";
import orders from "../../src/pipelines/definitions/orders.js";
import { addAwsProvider } from "../../src/stacks/aws-provider.js";
import { RESERVED_KEY_PREFIX } from "../../src/stacks/eventing.js";
import { compatFor, LocalDriftAspect } from "../../src/stacks/local-compat.js";
import { chooseMirror, renderCliConfig } from "../../src/terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../../src/terraform/run.js";
import { motoClientConfig } from "../../src/testing/moto.js";
import { AwsContext } from "../aws-context/index.js";
import { type ConsumerQueue, EventFanout } from "../event-fanout/index.js";
import { CATALOG_ZONES, type CatalogZone, GlueCatalog } from "../glue-catalog/index.js";
import { ZoneBucket } from "../zone-bucket/index.js";
import { CrawlerChain } from "./index.js";

/**
 * Fifty pipelines through the parts whose size grew with the pipeline count: the zones' fan-out (a catalog filter
 * listed every pipeline's prefix and moto refused it at 19) and the crawler chain (targets, role, key policies),
 * built as the local stack builds them and applied to a moto of its own. The rest of the lake takes its pipelines
 * one resource each (tables, queries, stages), which no limit joins; the whole lake with 50 pipelines is
 * synthesized and validated in src/stacks/many-pipelines.test.ts, and the lake tests apply every table of the
 * shipped pipelines.
 *
 * So the catalog here declares no table: the crawler chain names its 50 raw and curated catalog targets from the
 * pipeline list, not from the table resources. Applying 100 tables as well cost time and was this test's flake
 * (AlreadyExistsException on 2 of 100 CreateTable once): each name is created once, by one resource, on a fresh
 * moto, so a second CreateTable for it can only be the provider's SDK retrying a call whose answer was lost or late
 * under load after moto had made the table. Fewer non-idempotent creates also mean less load; a lower -parallelism
 * would help less and cost more, since the SQS queues' (25 s) and lifecycle configurations' (56 s) waiters each
 * hold a slot.
 */
const COUNT = 50;
const PIPELINES: PipelineDeclaration[] = Array.from({ length: COUNT }, (_, i) => ({
  ...(i % 2 === 0 ? orders : clickstream),
  name: `pipeline_${String(i).padStart(2, "0")}`,
}));

let moto: MotoServer;
let outputs: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), "event-lake-fifty-"));

function fiftyPipelineStack(app: App, endpoint: string): TerraformStack {
  const config = loadConfig({
    env: { EVENT_LAKE_LOCAL_ENDPOINT: endpoint, EVENT_LAKE_LOCAL_STATE_DIR: dir },
  });
  const env = config.environments.local;
  const compat = compatFor(env);
  const stack = new TerraformStack(app, "fifty");
  addAwsProvider(stack, env);
  new LocalBackend(stack, { path: join(dir, "terraform.tfstate") });
  const context = new AwsContext(stack, "context");
  const zone = (name: CatalogZone) =>
    new ZoneBucket(stack, `zone-${name}`, {
      context,
      zone: name,
      bucketName: `fifty-${name}-123456789012`,
      denyInsecureTransport: compat.denyInsecureTransport,
      forceDestroy: { enabled: true, acknowledgeDataLoss: true },
    });
  const zones = { drop: zone("drop"), raw: zone("raw"), curated: zone("curated") };
  const alerts = new SnsTopic(stack, "alerts", { name: "fifty-alerts" });
  const fanout = (name: CatalogZone) =>
    new EventFanout(stack, `events-${name}`, {
      context,
      zone: zones[name],
      alerts,
      topicName: `fifty-${name}-events`,
      redriveAllowPolicy: compat.sqsRedriveAllowPolicy,
    });
  const fanouts = { drop: fanout("drop"), raw: fanout("raw"), curated: fanout("curated") };
  const converter = fanouts.drop.addConsumer("drop-to-raw", {
    queueName: "fifty-drop-to-raw",
    consumerTimeoutSeconds: 300,
  });
  const catalogQueue = (name: CatalogZone) =>
    fanouts[name].addConsumer("catalog", {
      queueName: `fifty-catalog-${name}`,
      consumerTimeoutSeconds: 300,
      excludeKeyPrefix: RESERVED_KEY_PREFIX,
    });
  const queues = { drop: catalogQueue("drop"), raw: catalogQueue("raw"), curated: catalogQueue("curated") };
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: { drop: "fifty_drop", raw: "fifty_raw", curated: "fifty_curated" },
    zones,
    securityConfigurationName: "fifty-glue",
    tables: [],
  });
  const ledger = new DynamodbTable(stack, "runs", {
    name: "fifty-runs",
    hashKey: "pk",
    rangeKey: "sk",
    attribute: [
      { name: "pk", type: "S" },
      { name: "sk", type: "S" },
    ],
    billingMode: "PAY_PER_REQUEST",
  });
  const zip = resolve("dist/handlers/orchestrator.zip");
  if (!existsSync(zip)) throw new Error(`${zip} is missing: run make handlers first`);
  const chain = new CrawlerChain(stack, "crawler-chain", {
    context,
    catalog,
    zones,
    queues,
    pipelines: PIPELINES.map((p) => p.name),
    names: {
      crawlers: { drop: "fifty-crawl-drop", raw: "fifty-crawl-raw", curated: "fifty-crawl-curated" },
      crawlerRole: "fifty-crawler",
      rule: "fifty-crawler-state",
      queue: "fifty-orchestrator",
      function: "fifty-orchestrator",
    },
    code: { zipPath: zip },
    ledger,
    alerts,
    eventSourceMappingEnabled: compat.eventSourceMappingsEnabled,
    replaceOnChange: !compat.glueCrawlerUpdates,
  });
  const out = (name: string, value: string) => new TerraformOutput(stack, name, { value });
  const consumers: Record<string, ConsumerQueue> = {
    converter,
    ...Object.fromEntries(CATALOG_ZONES.map((z) => [`catalog_${z}`, queues[z]])),
  };
  for (const [name, consumer] of Object.entries(consumers)) {
    out(`${name}_queue_url`, consumer.queue.url);
    out(`${name}_dlq_arn`, consumer.dlq.arn);
  }
  for (const z of CATALOG_ZONES) out(`${z}_topic_arn`, fanouts[z].topic.arn);
  out("drop_bucket", zones.drop.bucket.bucket);
  out("orchestrator_queue_url", chain.queue.url);
  out("orchestrator_dlq_arn", chain.dlq.arn);
  Aspects.of(stack).add(new LocalDriftAspect());
  return stack;
}

beforeAll(async () => {
  moto = await startMoto({ dir: join(dir, "moto") });
  const app = new App({ outdir: join(dir, "out") });
  fiftyPipelineStack(app, moto.endpoint);
  app.synth();
  const rc = join(dir, "terraform.rc");
  writeFileSync(rc, renderCliConfig(chooseMirror(process.env)));
  const options = { cwd: join(dir, "out", "stacks", "fifty"), env: terraformEnv(rc), timeoutMs: 600_000 };
  await runTerraform(["init", "-input=false", "-no-color"], options);
  await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], options);
  const { stdout } = await runTerraform(["output", "-json"], options);
  outputs = Object.fromEntries(
    Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
  );
}, 900_000);

afterAll(async () => {
  if (moto !== undefined) await stopMoto(join(dir, "moto"));
});

const out = (name: string): string => {
  const value = outputs[name];
  if (value === undefined) throw new Error(`no output ${name}`);
  return value;
};

async function receive(queueUrl: string, count: number, seconds = 6): Promise<Message[]> {
  const sqs = new SQSClient(motoClientConfig(moto.endpoint));
  const messages: Message[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (messages.length < count && Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    messages.push(...(Messages ?? []));
  }
  return messages;
}

const keysOf = (messages: Message[]) =>
  messages
    .flatMap(
      (m) =>
        (JSON.parse(m.Body ?? "{}") as { Records?: { s3: { object: { key: string } } }[] }).Records ?? [],
    )
    .map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, " ")))
    .sort();

describe(`${COUNT} pipelines applied to moto`, () => {
  it("subscribes each zone's catalog queue with one filter value, whatever the pipelines (moto took it)", async () => {
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    for (const zone of CATALOG_ZONES) {
      const { Subscriptions } = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: out(`${zone}_topic_arn`) }),
      );
      const catalog = (Subscriptions ?? []).find((s) => s.Endpoint?.endsWith(`:fifty-catalog-${zone}`));
      const { Attributes } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: catalog?.SubscriptionArn }),
      );

      expect(JSON.parse(Attributes?.["FilterPolicy"] ?? "{}")).toEqual({
        Records: { s3: { object: { key: [{ "anything-but": { prefix: "_" } }] } } },
      });
    }
  });

  it("delivers the 50th pipeline's object to the catalog queue and keeps the reserved _ keys out", async () => {
    const s3 = new S3Client(motoClientConfig(moto.endpoint));
    const key = "pipeline_49/ingest_date=2026-12-05/events 1.ndjson";
    await s3.send(new PutObjectCommand({ Bucket: out("drop_bucket"), Key: key, Body: "{}\n" }));
    await s3.send(
      new PutObjectCommand({
        Bucket: out("drop_bucket"),
        Key: "_firehose-errors/pipeline_49/x.gz",
        Body: "x",
      }),
    );

    expect(keysOf(await receive(out("converter_queue_url"), 2))).toEqual([
      "_firehose-errors/pipeline_49/x.gz",
      key,
    ]);
    expect(keysOf(await receive(out("catalog_drop_queue_url"), 2, 4))).toEqual([key]);
  });

  it("crawls every pipeline: 50 S3 targets in drop, the 50 pipelines' tables in raw and curated", async () => {
    const glue = new GlueClient(motoClientConfig(moto.endpoint));
    const drop = (await glue.send(new GetCrawlerCommand({ Name: "fifty-crawl-drop" }))).Crawler?.Targets;
    const raw = (await glue.send(new GetCrawlerCommand({ Name: "fifty-crawl-raw" }))).Crawler?.Targets;
    const curated = (await glue.send(new GetCrawlerCommand({ Name: "fifty-crawl-curated" }))).Crawler
      ?.Targets;

    expect(drop?.S3Targets?.map((t) => t.Path)).toEqual(
      PIPELINES.map((p) => `s3://fifty-drop-123456789012/${p.name}/`),
    );
    expect(raw?.CatalogTargets?.[0]?.Tables).toEqual(PIPELINES.map((p) => p.name));
    expect(curated?.CatalogTargets?.[0]?.Tables).toEqual(PIPELINES.map((p) => p.name));
  });

  it("keeps a DLQ behind every queue", async () => {
    const sqs = new SQSClient(motoClientConfig(moto.endpoint));
    for (const name of ["converter", "catalog_drop", "catalog_raw", "catalog_curated", "orchestrator"]) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: out(`${name}_queue_url`),
          AttributeNames: ["RedrivePolicy"],
        }),
      );
      expect(JSON.parse(Attributes?.["RedrivePolicy"] ?? "{}"), name).toMatchObject({
        deadLetterTargetArn: out(`${name}_dlq_arn`),
        maxReceiveCount: 5,
      });
    }
  });
});
