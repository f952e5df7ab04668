/** Column types a pipeline may declare; each maps to one Parquet, Glue/Athena and DuckDB type. */
export const COLUMN_TYPES = ["string", "int", "bigint", "double", "boolean", "date", "timestamp"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
  /**
   * The lake's column: lower-case snake_case (a-z, 0-9 and _, starting with a letter), 1-41 characters. The name in raw
   * Parquet, the Glue tables, Athena and the transform.
   */
  readonly name: string;
  /**
   * The source field it is read from, when that is not `name`: a CSV header field (`"Airport Name"`; header fields are
   * trimmed) or a top-level JSON key (`"Title"`), matched exactly, case and spaces included.
   * @default the one field whose name equals `name` ignoring case (two such fields, `Title` and `title`: the file is
   *   quarantined, and `from` picks one)
   */
  readonly from?: string;
  readonly type: ColumnType;
  /** A row whose value is missing or empty is quarantined unless the column is nullable. @default true */
  readonly nullable?: boolean;
  /**
   * The field may be missing from a whole file (a JSON key producers leave out when it has no value); the column is then
   * NULL in that file. Nullable columns only.
   * @default false: a file in which the field is nowhere (no such CSV header field, no record with the JSON key) is
   *   quarantined whole, naming the column
   */
  readonly mayBeAbsent?: boolean;
}

/** Pulled over HTTP(S) by the ingest function on an EventBridge Scheduler schedule. */
export interface HttpPullSource {
  readonly kind: "http";
  readonly url: string;
  /** `rate(1 hour)` or `cron(0 6 * * ? *)`. */
  readonly schedule: string;
  /** Plain header values, or `{ secret }`: the name of a Secrets Manager secret whose value is the header. */
  readonly headers?: Readonly<Record<string, string | { readonly secret: string }>>;
}

/** Producers upload files under the pipeline's prefix themselves. */
export interface PushSource {
  readonly kind: "push";
}

/** Records arrive through a Firehose stream that writes files under the pipeline's prefix. */
export interface StreamSource {
  readonly kind: "stream";
  /** @default 300 */
  readonly bufferSeconds?: number;
  /** @default 64 */
  readonly bufferMegabytes?: number;
}

export type PipelineSource = HttpPullSource | PushSource | StreamSource;

export interface PipelineFormat {
  /** `json`: one array of objects per file; `ndjson`: one object per line. */
  readonly type: "csv" | "json" | "ndjson";
  /** @default "none"; files ending in .gz are always read as gzip */
  readonly compression?: "none" | "gzip";
  /** CSV only. @default "," */
  readonly delimiter?: string;
  /** CSV only: the first line names the columns (matched by name, see `Column.from`); false: columns by position. @default true */
  readonly header?: boolean;
  /**
   * CSV only: lines at the top of every file that are neither the header nor data (a title, a notice, or a header line
   * of a `header: false` file), skipped; quarantine line numbers still count them. @default 0
   */
  readonly skipLines?: number;
}

/**
 * One dataset, declared as data. The stack derives every resource the pipeline needs from this: its prefix in
 * each zone, queues, schedule, tables and the curated transform.
 */
export interface PipelineDeclaration {
  /** Lower-case snake_case; the S3 prefix and table name in every zone. */
  readonly name: string;
  readonly description: string;
  readonly source: PipelineSource;
  readonly format: PipelineFormat;
  readonly schema: readonly Column[];
  /** Declared columns the raw and curated data are partitioned by (after ingest_date). Low cardinality. */
  readonly partitionKeys: readonly string[];
  /**
   * The curated transform: one SELECT over `{{raw}}` (the pipeline's raw table), in the SQL subset Athena
   * (Trino) and DuckDB share. Its result is written to the curated zone.
   */
  readonly transform: {
    readonly sql: string;
    /** @default "athena" */
    readonly engine?: "athena" | "glue";
  };
  /** Days objects stay in the drop zone. @default 30 */
  readonly dropRetentionDays?: number;
}

/** Identity function that gives a declaration file its type checking. */
export function definePipeline(declaration: PipelineDeclaration): PipelineDeclaration {
  return declaration;
}
