/**
 * The converter's measured throughput and compression, from bench/out/converter.json (written by
 * `node --import tsx bench/converter.ts`), or a documented fallback when that file is missing.
 */

export interface ConverterMeasurement {
  /** Wall seconds the converter needs per GB of CSV on the benchmark machine. */
  readonly secondsPerGb: number;
  /** CSV bytes per Parquet byte. */
  readonly compressionRatio: number;
  /** DuckDB threads the benchmark ran with (its CPU count). */
  readonly threads: number;
  readonly source: string;
  readonly isFallback: boolean;
}

/**
 * Used only without a benchmark result: 40 s/GB on 2 threads (the converter's measured 4M-row rate, about 34 s/GB,
 * rounded up) and a 3x CSV-to-Parquet ratio (below the 4.5x measured on the benchmark data, whose columns compress
 * well). Run the converter benchmark to replace both.
 */
export const FALLBACK_CONVERTER: ConverterMeasurement = {
  secondsPerGb: 40,
  compressionRatio: 3,
  threads: 2,
  source: "fallback (no bench/out/converter.json): 40 s/GB on 2 threads, 3x compression",
  isFallback: true,
};

interface ConverterReport {
  readonly measuredAt?: string;
  readonly threads?: number;
  readonly results?: readonly {
    readonly rows: number;
    readonly csvMb: number;
    readonly converter: { readonly millis: number; readonly parquetMb: number };
  }[];
}

/** The largest measured size (the steady rate, not start-up) from a converter benchmark report. */
export function converterMeasurement(report: ConverterReport | undefined): ConverterMeasurement {
  const largest = [...(report?.results ?? [])].sort((a, b) => b.rows - a.rows)[0];
  if (largest === undefined || !(largest.csvMb > 0) || !(largest.converter.parquetMb > 0))
    return FALLBACK_CONVERTER;
  const threads = report?.threads ?? FALLBACK_CONVERTER.threads;
  return {
    secondsPerGb: largest.converter.millis / 1000 / (largest.csvMb / 1024),
    compressionRatio: largest.csvMb / largest.converter.parquetMb,
    threads,
    source: `bench/out/converter.json (${largest.rows.toLocaleString("en")} rows, ${threads} threads${report?.measuredAt ? `, ${report.measuredAt.slice(0, 10)}` : ""})`,
    isFallback: false,
  };
}
