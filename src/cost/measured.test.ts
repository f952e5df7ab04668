import { describe, expect, it } from "vitest";
import { converterMeasurement, FALLBACK_CONVERTER } from "./measured.js";

describe("converterMeasurement", () => {
  it("takes the largest size's seconds per GB and compression ratio", () => {
    // Prepare
    const report = {
      measuredAt: "2026-11-22T04:42:30.089Z",
      threads: 2,
      results: [
        { rows: 1_000_000, csvMb: 64, converter: { millis: 1000, parquetMb: 32 } },
        { rows: 4_000_000, csvMb: 256, converter: { millis: 8000, parquetMb: 64 } },
      ],
    };

    // Act
    const m = converterMeasurement(report);

    // Assess: 8 s over 0.25 GB; 256 MB of CSV in 64 MB of Parquet
    expect(m).toEqual({
      secondsPerGb: 32,
      compressionRatio: 4,
      threads: 2,
      source: "bench/out/converter.json (4,000,000 rows, 2 threads, 2026-11-22)",
      isFallback: false,
    });
  });

  it("falls back without a report, and says it is the fallback", () => {
    expect(converterMeasurement(undefined)).toBe(FALLBACK_CONVERTER);
    expect(converterMeasurement({ results: [] })).toBe(FALLBACK_CONVERTER);
    expect(FALLBACK_CONVERTER.isFallback).toBe(true);
    expect(FALLBACK_CONVERTER.source).toMatch(/^fallback/);
  });
});
