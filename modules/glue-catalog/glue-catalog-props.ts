import type { AwsContext } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

/** The zones that have a Glue database. */
export const CATALOG_ZONES = ["drop", "raw", "curated"] as const;
export type CatalogZone = (typeof CATALOG_ZONES)[number];

/** One column as the catalog declares it: a Glue (Hive DDL) type such as `string`, `bigint`, `date`. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
}

/** A table's columns in one zone. */
export interface CatalogTableLayout {
  /** Data columns, in file order. */
  readonly columns: readonly CatalogColumn[];
  /** Partition columns, in path order (`<key>=<value>/`). */
  readonly partitionKeys: readonly CatalogColumn[];
}

/** A dataset with a raw and a curated table of the same name, each under `s3://<zone bucket>/<name>/`. */
export interface CatalogTable {
  /** Table name in both databases, and the tables' S3 prefix (also part of their construct ids). */
  readonly name: string;
  /** Table descriptions read `<description> (raw, Parquet)`. */
  readonly description: string;
  readonly raw: CatalogTableLayout;
  readonly curated: CatalogTableLayout;
}

export interface GlueCatalogProps {
  readonly context: AwsContext;
  /** Physical database names (lower-case letters, digits and `_`: Athena cannot query hyphenated names unquoted). */
  readonly databaseNames: Readonly<Record<CatalogZone, string>>;
  /** The zone buckets the tables point at. The curated zone's key also encrypts what Glue jobs write (SSE-KMS). */
  readonly zones: Readonly<Record<CatalogZone, ZoneBucket>>;
  /** Physical name of the Glue security configuration (and of its key's alias). */
  readonly securityConfigurationName: string;
  /** One raw and one curated table each. */
  readonly tables: readonly CatalogTable[];
  /**
   * Values of raw partition keys, per table and key, that make a key projectable as an `enum` (keys of type `date`
   * are projected as dates without). A raw table gets partition projection only when every one of its keys is
   * projectable. @default none
   */
  readonly projectedValues?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** First date a `date` partition key's projection covers (`YYYY-MM-DD`). @default "2020-01-01" */
  readonly projectionStartDate?: string;
  /** Days before a scheduled deletion of the catalog key completes, 7-30. @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const GLUE_CATALOG_DEFAULTS = {
  projectionStartDate: "2020-01-01",
  keyDeletionWindowDays: 30,
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
} as const;
