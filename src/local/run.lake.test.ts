import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { loadPipelines } from "../pipelines/index.js";
import { lake, output } from "../testing/lake.js";
import { lakeWiring } from "../testing/local-wiring.js";
import { motoClientConfig } from "../testing/moto.js";
import { queryCurated } from "./athena-standin.js";
import { type LocalRunSummary, runLocal } from "./run.js";

// `make local`'s pipeline run, against the applied lake: every example pipeline from source to a curated query.
const samples = JSON.parse(readFileSync("src/pipelines/samples/expected.json", "utf8")) as Record<
  string,
  { rows: number; valid: number; quarantined: unknown[] }
>;
const curated = JSON.parse(readFileSync("src/pipelines/samples/expected-curated.json", "utf8")) as Record<
  string,
  { rows: number; query: string; result: Record<string, unknown>[] }
>;

async function run(): Promise<LocalRunSummary> {
  return runLocal({
    wiring: await lakeWiring(),
    pipelines: await loadPipelines(),
    endpoint: lake().endpoint,
  });
}

describe("the example pipelines end to end on moto", () => {
  let first: LocalRunSummary;

  it("lands every sample row in raw or quarantine, exactly as the samples say, and curates the rest", async () => {
    first = await run();

    const byName = Object.fromEntries(first.pipelines.map((p) => [p.pipeline, p]));
    for (const [name, sample] of Object.entries(samples)) {
      expect(byName[name], name).toMatchObject({
        dropFiles: 1,
        rawRows: sample.valid,
        quarantinedRows: sample.quarantined.length,
        curatedRows: curated[name]?.rows,
      });
    }
    expect(byName["orders"]?.source).toBe("http");
    expect(byName["clickstream"]?.source).toBe("push");
  }, 300_000);

  it.each(Object.keys(curated))("answers the %s analytics query with the precomputed table", async (name) => {
    const expected = curated[name];
    const rows = await queryCurated(
      new S3Client(motoClientConfig(lake().endpoint)),
      await loadPipelines(),
      output("curated_bucket_name"),
      expected?.query ?? "",
    );
    expect(
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === "string" && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v,
          ]),
        ),
      ),
    ).toEqual(expected?.result);
  });

  it("leaves the dead-letter queues empty", () => {
    expect(Object.values(first.dlqDepth).every((d) => d === 0)).toBe(true);
    expect(Object.keys(first.dlqDepth)).toContain("event-lake-local-drop-to-raw-dlq");
  });

  it("adds nothing on a second run: same files, same rows, nothing new to convert", async () => {
    const second = await run();

    expect(
      second.pipelines.map((p) => [
        p.pipeline,
        p.dropFiles,
        p.rawFiles,
        p.rawRows,
        p.quarantinedRows,
        p.curatedRows,
      ]),
    ).toEqual(
      first.pipelines.map((p) => [
        p.pipeline,
        p.dropFiles,
        p.rawFiles,
        p.rawRows,
        p.quarantinedRows,
        p.curatedRows,
      ]),
    );
    expect(second.batches).toBe(0);
  }, 300_000);
});
