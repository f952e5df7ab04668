import { spawnSync } from "node:child_process";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";

/**
 * Reads Parquet back with hyparquet, a reader independent of DuckDB. hyparquet has snappy built in; zstd pages are
 * handed to the system's `zstd` tool. For tests and checks only (drop-to-raw's tests, the local fault checks), so it
 * lives here with the test helpers, not in a handler: no bundle ships it, and tools import no handler code.
 */
const compressors = {
  ZSTD: (input: Uint8Array): Uint8Array => {
    const result = spawnSync("zstd", ["-d", "-c", "-q"], { input });
    if (result.status !== 0) throw new Error(`zstd -d failed: ${result.stderr.toString()}`);
    return new Uint8Array(result.stdout);
  },
};

export interface ParquetContents {
  readonly rows: Record<string, unknown>[];
  /** Column name -> `<physical type>/<logical or converted type>`. */
  readonly types: Record<string, string>;
  readonly codecs: string[];
}

export async function readParquet(path: string): Promise<ParquetContents> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = (await parquetReadObjects({ file, metadata, compressors })) as Record<string, unknown>[];
  const types: Record<string, string> = {};
  for (const child of parquetSchema(metadata).children) {
    const element = child.element;
    const logical = element.logical_type
      ? `${element.logical_type.type}${"isAdjustedToUTC" in element.logical_type ? `(utc=${element.logical_type.isAdjustedToUTC})` : ""}`
      : (element.converted_type ?? "-");
    types[element.name] = `${element.type}/${logical}`;
  }
  const codecs = [
    ...new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec ?? "?"))),
  ];
  return { rows, types, codecs };
}
