import { describe, expect, it } from "vitest";
import type { ConverterMeasurement } from "./measured.js";
import {
  athenaBilledMb,
  type CostLine,
  compare,
  crawlRunsPerDay,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_VOLUME,
  estimate,
  estimateSeeds,
  type ModelConfig,
  type Volume,
} from "./model.js";
import { PRICES } from "./prices.js";
import { readStackFacts, type StackFacts } from "./stack.js";

const prices = PRICES["us-east-1"];
/** Round figures so every expected value below can be worked out by hand. */
const converter: ConverterMeasurement = {
  secondsPerGb: 40,
  compressionRatio: 4,
  threads: 1,
  source: "test",
  isFallback: false,
};
const stack: StackFacts = readStackFacts(undefined);
const config: ModelConfig = { stack, converter, assumptions: DEFAULT_ASSUMPTIONS };
const volume: Volume = DEFAULT_VOLUME;

function only(lines: readonly CostLine[], service: string, itemStart: string): CostLine {
  const found = lines.filter((l) => l.service === service && l.item.startsWith(itemStart));
  if (found.length !== 1) throw new Error(`${found.length} lines for ${service} / ${itemStart}`);
  return found[0] as CostLine;
}

describe("crawlRunsPerDay", () => {
  it("runs once per interval when every interval has files", () => {
    // Prepare / act / assess
    expect(crawlRunsPerDay(1000, 60)).toBe(24);
    expect(crawlRunsPerDay(1000, 1440)).toBe(1);
  });

  it("skips intervals without files (event mode crawls only changed prefixes)", () => {
    expect(crawlRunsPerDay(0, 60)).toBe(0);
    // 24 windows, 12 files: 24 * (1 - e^-0.5)
    expect(crawlRunsPerDay(12, 60)).toBeCloseTo(9.443264, 6);
  });
});

describe("athenaBilledMb", () => {
  it("bills at least 10 MB per query", () => {
    expect(athenaBilledMb(0, 10)).toBe(10);
    expect(athenaBilledMb(5.33, 10)).toBe(10);
  });

  it("rounds up to a whole MB above the minimum", () => {
    expect(athenaBilledMb(10.2, 10)).toBe(11);
    expect(athenaBilledMb(512, 10)).toBe(512);
  });
});

describe("estimate (event-lake) at 1 GB/day in 1,000 files", () => {
  const lines = estimate(volume, config, prices);

  it("bills each crawler run for 10 minutes although it uses 1.5", () => {
    // Prepare: 3 crawlers x 24 runs/day x 30 days x 2 DPU x 10/60 h
    const crawlers = only(lines, "Glue", "3 crawlers");

    // Assess
    expect(crawlers.quantity).toBeCloseTo(720, 9);
    expect(crawlers.monthlyUsd).toBeCloseTo(316.8, 9);
    expect(crawlers.minimumShare).toBeCloseTo(0.85, 9);
  });

  it("bills each raw->curated transform the 10 MB Athena minimum", () => {
    // 1 GB/day / 4 = 256 MB of raw Parquet a day over 48 transforms = 5.33 MB each, billed 10 MB
    const transforms = only(lines, "Athena", "raw->curated");

    expect(transforms.item).toBe("raw->curated transforms (48.0/day x 10 MB billed)");
    expect(transforms.quantity).toBeCloseTo((48 * 30 * 10) / 1024 / 1024, 12);
    expect(transforms.monthlyUsd).toBeCloseTo(0.06866455078125, 12);
    expect(transforms.minimumShare).toBeCloseTo(1 - 256 / 48 / 10, 12);
  });

  it("bills user queries per MB scanned above the minimum", () => {
    // 200/day x 30 x 512 MB = 2.9296875 TB
    const queries = only(lines, "Athena", "user queries");

    expect(queries.quantity).toBe(2.9296875);
    expect(queries.monthlyUsd).toBe(14.6484375);
    expect(queries.minimumShare).toBe(0);
  });

  it("prices the converter from the measured seconds per GB plus a fixed part per file", () => {
    // 0.5 s + 1 MB x 40 s/GB = 0.54 s per file; 1,000 files x 30 days x 2 GB
    const compute = only(lines, "Lambda", "drop-to-raw compute");

    expect(compute.quantity).toBeCloseTo(32_400, 9);
    expect(compute.monthlyUsd).toBeCloseTo(0.54000108, 9);
    expect(only(lines, "Lambda", "drop-to-raw /tmp").quantity).toBeCloseTo(16_200 * 3.5, 9);
  });

  it("slows the converter down when the function has fewer vCPUs than the benchmark had threads", () => {
    // 2 threads on 2048 MB = 1769/2048*2 = 1.7275... x slower
    const twoThreads = estimate(volume, { ...config, converter: { ...converter, threads: 2 } }, prices);

    expect(only(twoThreads, "Lambda", "drop-to-raw compute").quantity).toBeCloseTo(
      30_000 * (0.5 + 0.04 * (2 / (2048 / 1769))) * 2,
      9,
    );
  });

  it("stores the drop zone for its retention and raw and curated at the Parquet ratio", () => {
    expect(only(lines, "S3", "storage: drop").quantity).toBe(30);
    expect(only(lines, "S3", "storage: raw").quantity).toBe(7.5);
    expect(only(lines, "S3", "storage: curated").quantity).toBe(7.5);
  });

  it("prices Redshift at base capacity x busy hours", () => {
    const redshift = only(lines, "Redshift Serverless", "8 RPU");

    expect(redshift.quantity).toBe(240);
    expect(redshift.monthlyUsd).toBe(90);
    expect(redshift.note).toBe("no usage limit: nothing caps RPU-hours");
  });

  it("caps Redshift at its usage limit", () => {
    const limited = { ...stack, redshift: { baseRpu: 8, usageLimitRpuHoursPerDay: 24 } };

    const redshift = only(
      estimate({ ...volume, redshiftHoursPerDay: 4 }, { ...config, stack: limited }, prices),
      "Redshift Serverless",
      "8 RPU",
    );

    expect(redshift.quantity).toBe(720);
    expect(redshift.monthlyUsd).toBe(270);
    expect(redshift.note).toBe("usage limit 24.0 RPU-h/day (binding: queries stop at the limit)");
  });

  it("cuts S3's KMS calls by 99% with Bucket Keys", () => {
    // S3 object calls a day: PUTs 1000 + 1000 + 48 + (48 + 200) x 2 = 2,544; GETs 1000 + 2,048 + 2,000 + 6,400 + 200 = 11,648
    const s3Calls = (2544 + 11_648) * 30;
    const messaging = (1000 + 1000 + 48) * 30 + 4 * 2 * 288 * 30;
    const withKeys = only(lines, "KMS", "requests");
    const without = only(
      estimate(volume, { ...config, stack: { ...stack, bucketKeys: false } }, prices),
      "KMS",
      "requests",
    );

    expect(withKeys.quantity).toBeCloseTo(s3Calls * 0.01 + messaging, 6);
    expect(without.quantity).toBeCloseTo(s3Calls + messaging, 6);
    expect(withKeys.note).toBe("Bucket Keys: S3's 425,760 calls/month cut to 4,258");
  });

  it("leaves Step Functions out when the stack has no state machine", () => {
    const none = estimate(volume, { ...config, stack: { ...stack, stateMachines: 0 } }, prices);

    expect(none.some((l) => l.service === "Step Functions")).toBe(false);
    expect(only(lines, "Step Functions", "transform").quantity).toBe(48 * 12 * 30);
  });
});

describe("estimateSeeds (a crawler run and a Spark job per file)", () => {
  const lines = estimateSeeds(volume, config, prices);

  it("bills a 10-minute crawler run per file", () => {
    const crawler = only(lines, "Glue", "crawler run per file");

    expect(crawler.quantity).toBeCloseTo(10_000, 9);
    expect(crawler.monthlyUsd).toBeCloseTo(4400, 9);
    expect(crawler.minimumShare).toBeCloseTo(0.85, 9);
  });

  it("bills a 2-DPU, 2-minute Spark job per file, never under the 1-minute minimum", () => {
    const job = only(lines, "Glue", "Spark job per file");
    const short = only(
      estimateSeeds(
        volume,
        { ...config, assumptions: { ...DEFAULT_ASSUMPTIONS, seedsJobRunMinutes: 0.25 } },
        prices,
      ),
      "Glue",
      "Spark job per file",
    );

    expect(job.quantity).toBeCloseTo(2000, 9);
    expect(job.monthlyUsd).toBeCloseTo(880, 9);
    expect(job.note).toBe(
      "$0.0293 per run for a 1.02 MB file; $0.0147 floor (2 DPU x 1 min) even for an empty one",
    );
    expect(short.quantity).toBeCloseTo(1000, 9);
    expect(short.minimumShare).toBeCloseTo(0.75, 9);
  });

  it("has no converter, transforms or state machine", () => {
    expect(lines.some((l) => l.item.startsWith("drop-to-raw"))).toBe(false);
    expect(lines.some((l) => l.item.startsWith("raw->curated"))).toBe(false);
    expect(lines.some((l) => l.service === "Step Functions")).toBe(false);
  });
});

describe("compare", () => {
  it("gives cost per GB ingested for both designs and their ratio", () => {
    const c = compare(volume, config, prices);

    // Sums of the lines above, worked out line by line (crawlers 316.80, Redshift 90, user queries 14.65, ...; the
    // converter's two ListObjectVersions per file add 60,000 LISTs = $0.30 a month; its run-ledger update per file
    // 30,000 write units = $0.01875, and each transform's listing of its date's curated files 1,440 LISTs = $0.0072)
    expect(c.eventLake.monthlyUsd).toBeCloseTo(434.516794, 6);
    expect(c.seeds.monthlyUsd).toBeCloseTo(5395.864049, 6);
    expect(c.eventLake.usdPerGb).toBeCloseTo(14.483893, 6);
    expect(c.seeds.usdPerGb).toBeCloseTo(179.862135, 6);
    expect(c.ratio).toBeCloseTo(12.418, 3);
    expect(c.eventLake.ingestUsdPerGb).toBeCloseTo(10.654358, 6);
  });

  it("counts what billing minimums add", () => {
    const c = compare(volume, config, prices);

    // crawlers 316.8 x 0.85 + transforms 0.0687 x (1 - 0.533)
    expect(c.eventLake.minimumsUsd).toBeCloseTo(269.28 + 0.06866455078125 * (1 - 256 / 480), 9);
    // seeds: crawler 4400 x 0.85; the 2-minute job is above its 1-minute minimum
    expect(c.seeds.minimumsUsd).toBeCloseTo(3740, 9);
  });
});
