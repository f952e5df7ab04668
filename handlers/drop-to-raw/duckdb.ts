import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";

/** The `@duckdb/node-api` module (types only: the code is loaded at run time by {@link loadDuckDb}). */
export type DuckDbModule = typeof import("@duckdb/node-api");
export type DuckDbConnection = import("@duckdb/node-api").DuckDBConnection;
export type DuckDbResultReader = import("@duckdb/node-api").DuckDBResultReader;

/** Where the DuckDB layer puts its packages (layer zip entries are `nodejs/node_modules/...`). */
export const LAYER_NODE_MODULES = "/opt/nodejs/node_modules";

let loaded: DuckDbModule | undefined;

/**
 * Loads `@duckdb/node-api` (CommonJS, with a native addon) through `require`, never a bare ESM `import`: the bundle
 * keeps it external, and an ESM bundle in Lambda resolves bare specifiers only from /var/task/node_modules, not from
 * layers. `require` from this file finds it in the repository's node_modules (tests, benchmarks) and through
 * NODE_PATH in Lambda; the explicit layer path is the last resort.
 */
export function loadDuckDb(layerNodeModules: string = LAYER_NODE_MODULES): DuckDbModule {
  if (loaded) return loaded;
  const bases = [import.meta.url];
  if (existsSync(join(layerNodeModules, "@duckdb", "node-api")))
    bases.push(join(layerNodeModules, "index.js"));
  const attempts: string[] = [];
  for (const base of bases) {
    try {
      loaded = createRequire(base)("@duckdb/node-api") as DuckDbModule;
      return loaded;
    } catch (error) {
      attempts.push(`from ${base}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    `cannot load @duckdb/node-api (install it, or attach the DuckDB layer at ${layerNodeModules}): ${attempts.join("; ")}`,
  );
}

/** Keeps a 1-4M-row conversion under ~400 MB peak RSS, library and Node included (see bench/converter.ts). */
export const DEFAULT_MEMORY_LIMIT_MB = 192;

export interface EngineOptions {
  /** DuckDB's buffer-manager limit in MB; beyond it, DuckDB spills to `tempDirectory`. @default 192 */
  readonly memoryLimitMb?: number;
  /** Worker threads. @default the number of CPUs this process may use */
  readonly threads?: number;
  /** Where DuckDB spills. Must exist and be writable (in Lambda, under /tmp). */
  readonly tempDirectory: string;
}

export interface Engine {
  readonly connection: DuckDbConnection;
  close(): void;
}

/**
 * A fresh in-memory DuckDB with bounded memory that only ever touches local files: no extension is installed or
 * loaded from the network (httpfs cannot be downloaded here; S3 I/O is the caller's), and insertion order is not
 * preserved, which is what lets COPY stream instead of buffering.
 */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  const duckdb = loadDuckDb();
  const instance = await duckdb.DuckDBInstance.create(":memory:", {
    memory_limit: `${options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB}MB`,
    threads: String(options.threads ?? availableParallelism()),
    temp_directory: options.tempDirectory,
    preserve_insertion_order: "false",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const connection = await instance.connect();
  // Strings without an offset are UTC; TIMESTAMPTZ values are written as UTC instants.
  await connection.run("SET TimeZone = 'UTC'");
  // A thread's PARTITION_BY buffers are flushed every row group (default: 512k rows), so memory stays flat however
  // many partitions and rows a file has; still one file per partition.
  await connection.run("SET partitioned_write_flush_threshold = 122880");
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
