import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declarationProblems } from "../../src/core/declaration.js";
import { type Column, definePipeline, type PipelineDeclaration } from "../../src/core/pipeline.js";
import { type MotoServer, startMoto, stopMoto } from "../../src/local/moto.js";
import { readParquet } from "../../src/testing/parquet.js";
import type { QuarantineLine } from "./convert.js";
import { type DropToRawConfig, processObject, type SourceObject } from "./drop-to-raw.js";

/**
 * "A key's newest version wins" for every pipeline shape: no partition keys, one, two; CSV, gzip CSV, a JSON array,
 * NDJSON, and the gzip NDJSON and header-less gzip CSV a stream's Firehose lands. The same key is put three times into
 * a versioned drop bucket in moto, each version converted as its event would; after each, raw is read back with
 * hyparquet and quarantine line by line: exactly the newest version's rows, none lost, none left from older ones.
 * The files are real-shaped: headers and JSON keys with spaces and capitals, read through `from`, and a one-letter
 * column `a` matched to `A` ignoring case.
 */

const DROP = "shapes-drop";
const RAW = "shapes-raw";
const QUARANTINE = "shapes-quarantine";
const LEDGER = "shapes-ledger";
const DATE = "2026-12-05";

const dir = mkdtempSync(join(tmpdir(), "drop-to-raw-shapes-"));
let moto: MotoServer;
let s3: S3Client;
let dynamo: DynamoDBClient;
const config: DropToRawConfig = {
  rawBucket: RAW,
  quarantineBucket: QUARANTINE,
  ledgerTable: LEDGER,
  tmpDir: dir,
  threads: 1,
  memoryLimitMb: 128,
};

/** One trip; `fare` is a string so a version can carry a bad one. */
interface Trip {
  readonly id: number;
  readonly city: string;
  readonly vehicle: string;
  readonly fare: number | string;
  readonly a: boolean;
}

const HEADER = ["Trip ID", "City", "Vehicle Type", "Fare (EUR)", "A"];
/** Read by name: `from` for the spreadsheet headers, `city` and `a` by their names ignoring case. */
const BY_NAME: Column[] = [
  { name: "trip_id", from: "Trip ID", type: "bigint", nullable: false },
  { name: "city", type: "string", nullable: false },
  { name: "vehicle_type", from: "Vehicle Type", type: "string", nullable: false },
  { name: "fare", from: "Fare (EUR)", type: "double" },
  { name: "a", type: "boolean" },
];
/** A header-less stream CSV: by position. */
const BY_POSITION: Column[] = BY_NAME.map(({ from: _from, ...column }) => column);

const csvRecord = (t: Trip) => [t.id, t.city, t.vehicle, t.fare, t.a].join(",");
const jsonRecord = (t: Trip) =>
  JSON.stringify({ "Trip ID": t.id, City: t.city, "Vehicle Type": t.vehicle, "Fare (EUR)": t.fare, A: t.a });

interface Shape {
  readonly pipeline: PipelineDeclaration;
  /** The drop key's file name. */
  readonly file: string;
  readonly render: (trips: readonly Trip[]) => string;
  readonly gzip: boolean;
}

const shape = (
  name: string,
  change: Partial<PipelineDeclaration>,
  file: string,
  render: Shape["render"],
  gzip = false,
): Shape => ({
  pipeline: definePipeline({
    name,
    description: `${name}: the same key put three times`,
    source: { kind: "push" },
    format: { type: "csv" },
    schema: BY_NAME,
    partitionKeys: [],
    transform: { sql: "SELECT * FROM {{raw}}" },
    ...change,
  }),
  file,
  render,
  gzip,
});

const csv = (trips: readonly Trip[]) => `${[HEADER.join(","), ...trips.map(csvRecord)].join("\r\n")}\r\n`;
const SHAPES: Shape[] = [
  shape("csv_flat", {}, "trips.csv", csv),
  shape("csv_gzip_city", { partitionKeys: ["city"] }, "trips.csv.gz", csv, true),
  shape(
    "json_city_vehicle",
    { format: { type: "json" }, partitionKeys: ["city", "vehicle_type"] },
    "trips.json",
    (trips) => `[\n  ${trips.map(jsonRecord).join(",\n  ")}\n]\n`,
  ),
  shape("ndjson_flat", { format: { type: "ndjson" } }, "trips.ndjson", (trips) =>
    trips.map((t) => `${jsonRecord(t)}\n`).join(""),
  ),
  // What Firehose lands: gzip objects, records end to end.
  shape(
    "stream_ndjson_vehicle",
    {
      source: { kind: "stream" },
      format: { type: "ndjson", compression: "gzip" },
      partitionKeys: ["vehicle_type"],
    },
    "stream-stream_ndjson_vehicle-1-2026-12-05-10-00-00-8e1f.gz",
    (trips) => trips.map((t) => `${jsonRecord(t)}\n`).join(""),
    true,
  ),
  shape(
    "stream_csv_flat",
    {
      source: { kind: "stream" },
      format: { type: "csv", header: false, compression: "gzip" },
      schema: BY_POSITION,
    },
    "stream-stream_csv_flat-1-2026-12-05-10-00-00-3c2a.gz",
    (trips) => trips.map((t) => `${csvRecord(t)}\n`).join(""),
    true,
  ),
];
const pipelines = Object.fromEntries(SHAPES.map((s) => [s.pipeline.name, s.pipeline]));

const trip = (id: number, fare: number | string = id * 1.5): Trip => ({
  id,
  city: ["Amsterdam", "Paris", "Berlin"][id % 3] as string,
  vehicle: id % 2 === 0 ? "Taxi" : "E-Bike",
  fare,
  a: id % 2 === 0,
});
/** Three versions of the file: 7 good trips and a bad fare; a corrected 3; then 5 good and a bad fare again. */
const VERSIONS: { trips: Trip[]; good: number[]; bad: number }[] = [
  {
    trips: [1, 2, 3, 4, 5, 6, 7].map((id) => trip(id)).concat(trip(8, "free")),
    good: [1, 2, 3, 4, 5, 6, 7],
    bad: 1,
  },
  { trips: [11, 12, 13].map((id) => trip(id)), good: [11, 12, 13], bad: 0 },
  {
    trips: [21, 22, 23].map((id) => trip(id)).concat(trip(24, "n/a"), trip(25), trip(26)),
    good: [21, 22, 23, 25, 26],
    bad: 1,
  },
];

beforeAll(async () => {
  moto = await startMoto({ dir: join(dir, "moto") });
  const client = {
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  dynamo = new DynamoDBClient(client);
  for (const bucket of [DROP, RAW, QUARANTINE]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: DROP, VersioningConfiguration: { Status: "Enabled" } }),
  );
  await dynamo.send(
    new CreateTableCommand({
      TableName: LEDGER,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
});

afterAll(async () => {
  await stopMoto(join(dir, "moto"));
  rmSync(dir, { recursive: true, force: true });
});

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key as string).sort();
}

async function download(bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

/** Every raw row under the pipeline's date partition, read with hyparquet, the partition values from the path. */
async function rawRows(pipeline: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const prefix = `${pipeline}/ingest_date=${DATE}/`;
  for (const key of await keys(RAW, prefix)) {
    const path = join(dir, "read.parquet");
    writeFileSync(path, await download(RAW, key));
    const partition = Object.fromEntries(
      key
        .slice(prefix.length)
        .split("/")
        .slice(0, -1)
        .map((segment) => segment.split("=")),
    );
    rows.push(...(await readParquet(path)).rows.map((row) => ({ ...row, ...partition })));
  }
  return rows;
}

async function quarantined(pipeline: string): Promise<QuarantineLine[]> {
  const lines: QuarantineLine[] = [];
  for (const key of await keys(QUARANTINE, `${pipeline}/ingest_date=${DATE}/`))
    for (const text of (await download(QUARANTINE, key)).toString("utf8").split("\n"))
      if (text.trim() !== "") lines.push(JSON.parse(text) as QuarantineLine);
  return lines;
}

describe("a key's newest version wins, whatever the pipeline's shape (moto, versioned drop bucket)", () => {
  it("declares every shape validly", () => {
    // act / assess
    expect(SHAPES.flatMap((s) => declarationProblems(s.pipeline))).toEqual([]);
  });

  it.each(SHAPES.map((s) => [s.pipeline.name, s] as const))(
    "%s: the same key put three times holds exactly the newest version's rows",
    async (_name, { pipeline, file, render, gzip }) => {
      // prepare
      const key = `${pipeline.name}/ingest_date=${DATE}/${file}`;
      const seen: { rowsIn: number; rowsOut: number; rowsRejected: number }[] = [];
      const held: { ids: number[]; quarantined: number; rows: Record<string, unknown>[] }[] = [];

      // act: put a version and convert it, as its event would, three times
      for (const version of VERSIONS) {
        const text = render(version.trips);
        const put = await s3.send(
          new PutObjectCommand({ Bucket: DROP, Key: key, Body: gzip ? gzipSync(text) : text }),
        );
        const source: SourceObject = {
          bucket: DROP,
          key,
          versionId: put.VersionId,
          eTag: put.ETag?.replace(/"/g, ""),
        };
        const outcome = await processObject(source, config, {
          s3,
          dynamo,
          clock: () => new Date("2026-12-05T12:00:00Z"),
          pipeline: async (name) => pipelines[name],
          logger: { info: () => {}, warn: () => {} },
        });
        if (outcome.status !== "converted") throw new Error(`${key}: ${JSON.stringify(outcome)}`);
        seen.push({ rowsIn: outcome.rowsIn, rowsOut: outcome.rowsOut, rowsRejected: outcome.rowsRejected });
        const rows = await rawRows(pipeline.name);
        held.push({
          ids: rows.map((r) => Number(r["trip_id"])).sort((x, y) => x - y),
          quarantined: (await quarantined(pipeline.name)).length,
          rows,
        });
      }

      // assess: each conversion accounted for every record; raw and quarantine held the newest version only
      expect(seen).toEqual(
        VERSIONS.map((v) => ({ rowsIn: v.trips.length, rowsOut: v.good.length, rowsRejected: v.bad })),
      );
      expect(held.map(({ ids, quarantined }) => ({ ids, quarantined }))).toEqual(
        VERSIONS.map((v) => ({ ids: v.good, quarantined: v.bad })),
      );
      // the values of the lake's columns, read from the spreadsheet-named fields
      const last = held[2]?.rows.find((r) => Number(r["trip_id"]) === 22);
      expect([last?.["city"], last?.["vehicle_type"], last?.["fare"], last?.["a"]]).toEqual([
        "Paris",
        "Taxi",
        33,
        true,
      ]);
    },
  );
});

describe("real field names against moto: a file that does not carry a declared column", () => {
  it("is quarantined whole, with a reason naming the pipeline, the column and the fix; nothing reaches raw", async () => {
    // prepare: the header says "Fare EUR" where the declaration reads "Fare (EUR)"
    const pipeline = pipelines["csv_flat"] as PipelineDeclaration;
    const key = `csv_flat/ingest_date=2026-12-06/renamed.csv`;
    const body = `Trip ID,City,Vehicle Type,Fare EUR,A\r\n${[1, 2, 3].map((id) => csvRecord(trip(id))).join("\r\n")}\r\n`;
    const put = await s3.send(new PutObjectCommand({ Bucket: DROP, Key: key, Body: body }));

    // act
    const outcome = await processObject(
      { bucket: DROP, key, versionId: put.VersionId, eTag: put.ETag?.replace(/"/g, "") },
      config,
      {
        s3,
        dynamo,
        clock: () => new Date("2026-12-06T12:00:00Z"),
        pipeline: async (name) => (name === pipeline.name ? pipeline : undefined),
        logger: { info: () => {}, warn: () => {} },
      },
    );

    // assess
    const reason =
      'pipeline "csv_flat": header: no field for column "fare" (from "Fare (EUR)") (fix: declare from: "Fare EUR" on "fare" in ' +
      "src/pipelines/definitions/csv_flat.ts). " +
      'The file\'s header: "Trip ID", "City", "Vehicle Type", "Fare EUR", "A"';
    expect(outcome).toMatchObject({ status: "quarantined", reason });
    expect(await keys(RAW, "csv_flat/ingest_date=2026-12-06/")).toEqual([]);
    const [copy, sidecar] = await keys(QUARANTINE, "csv_flat/ingest_date=2026-12-06/");
    expect((await download(QUARANTINE, copy as string)).toString()).toBe(body);
    expect(JSON.parse((await download(QUARANTINE, sidecar as string)).toString())).toMatchObject({
      source_key: key,
      reason,
    });
  });
});
