import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { GlueSecurityConfiguration } from "@cdktf/provider-aws/lib/glue-security-configuration";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { type AwsContext, type Grantee, keyAdminStatement, logsKeyStatement } from "../aws-context/index.js";
import {
  CATALOG_ZONES,
  type CatalogColumn,
  type CatalogTable,
  type CatalogTableLayout,
  type CatalogZone,
  GLUE_CATALOG_DEFAULTS as DEFAULTS,
  type GlueCatalogProps,
} from "./glue-catalog-props.js";

const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** How a table is partitioned and whether Athena projects its partitions. */
export interface TablePartitioning {
  readonly projected: boolean;
  /** Why not, when not: the keys that cannot be projected. */
  readonly unprojectable: readonly string[];
}

/**
 * The lake's Glue Data Catalog: a database per zone (drop, raw, curated), the raw and curated table of each entry
 * of `tables` (Parquet, the given Glue-typed columns and partition keys; the lake's are ingest_date, then the
 * declared keys), and the security configuration every crawler and job runs with: SSE-KMS for S3 output (the curated zone's key),
 * KMS-encrypted CloudWatch logs and CSE-KMS job bookmarks (a catalog key of its own, rotating).
 */
export class GlueCatalog extends Construct {
  readonly databases: Readonly<Record<CatalogZone, GlueCatalogDatabase>>;
  /** `tables.raw.orders`, `tables.curated.orders`. */
  readonly tables: Readonly<Record<"raw" | "curated", Readonly<Record<string, GlueCatalogTable>>>>;
  readonly partitioning: Readonly<Record<string, TablePartitioning>>;
  readonly securityConfiguration: GlueSecurityConfiguration;
  /** Encrypts Glue's CloudWatch logs and job bookmarks. */
  readonly key: KmsKey;
  private readonly context: AwsContext;
  private readonly keyStatements: DataAwsIamPolicyDocumentStatement[] = [];
  private readonly keyPolicy: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    // Validate.
    validate(props);
    this.context = props.context;
    const aws = props.context;

    // Build: the key and security configuration.
    this.keyStatements.push(
      keyAdminStatement(aws),
      logsKeyStatement(aws, "CloudWatchLogsEncryptGlueLogs", [aws.arn("logs", "log-group:/aws-glue/*")]),
    );
    this.keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", { statement: this.keyStatements });
    this.key = new KmsKey(this, "key", {
      description: `event-lake Glue logs and job bookmarks (${props.securityConfigurationName})`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? DEFAULTS.keyDeletionWindowDays,
      policy: this.keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${props.securityConfigurationName}`,
      targetKeyId: this.key.keyId,
    });
    const curatedKey = props.zones.curated.key;
    this.securityConfiguration = new GlueSecurityConfiguration(this, "security-configuration", {
      name: props.securityConfigurationName,
      encryptionConfiguration: {
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: this.key.arn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: this.key.arn },
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: curatedKey?.arn ?? this.key.arn },
      },
    });

    // Build: databases and tables. Construct ids are Terraform addresses: renaming one replaces the table.
    const databases = Object.fromEntries(
      CATALOG_ZONES.map((zone) => [
        zone,
        new GlueCatalogDatabase(this, `database-${zone}`, {
          name: props.databaseNames[zone],
          description: `event-lake ${zone} zone (s3://${props.zones[zone].bucket.bucket}/)`,
        }),
      ]),
    ) as Record<CatalogZone, GlueCatalogDatabase>;
    this.databases = databases;
    const raw: Record<string, GlueCatalogTable> = {};
    const curated: Record<string, GlueCatalogTable> = {};
    const partitioning: Record<string, TablePartitioning> = {};
    const start = props.projectionStartDate ?? DEFAULTS.projectionStartDate;
    for (const table of props.tables) {
      const projection = projectionOf(
        table.raw.partitionKeys,
        props.projectedValues?.[table.name] ?? {},
        start,
      );
      partitioning[table.name] = projection.partitioning;
      raw[table.name] = this.table("raw", table, table.raw, databases.raw, props, projection.parameters);
      curated[table.name] = this.table("curated", table, table.curated, databases.curated, props, {});
    }
    this.tables = { raw, curated };
    this.partitioning = partitioning;
  }

  /** Run with the security configuration: write KMS-encrypted logs and bookmarks with the catalog key. */
  grantSecurityConfiguration(grantee: Grantee): void {
    grantee.addStatements(
      {
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: [this.key.arn],
      },
      {
        // Glue associates the key with the log group it creates for a run under the security configuration.
        actions: ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.context.arn("logs", "log-group:/aws-glue/*")],
      },
    );
    this.keyStatements.push({
      sid: `UseBy${this.keyStatements.length}`,
      principals: [{ type: "AWS", identifiers: [grantee.role.arn] }],
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["*"],
    });
    this.keyPolicy.putStatement(this.keyStatements);
  }

  /** Read table definitions and partitions of one zone's database (what Athena and Spark need to query it). */
  grantReadCatalog(grantee: Grantee, zone: CatalogZone): void {
    grantee.addStatements({
      actions: [
        "glue:GetDatabase",
        "glue:GetDatabases",
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
      ],
      resources: this.zoneArns(zone),
    });
  }

  /** Register and update partitions (and, for crawlers, tables) of one zone's database. */
  grantWriteCatalog(grantee: Grantee, zone: CatalogZone, options: { tables?: boolean } = {}): void {
    grantee.addStatements({
      actions: [
        "glue:BatchCreatePartition",
        "glue:BatchUpdatePartition",
        "glue:CreatePartition",
        "glue:UpdatePartition",
        ...(options.tables === true ? ["glue:CreateTable", "glue:UpdateTable"] : []),
      ],
      resources: this.zoneArns(zone),
    });
  }

  /** ARNs of the catalog, one database and its tables: Glue authorizes a table call on all three. */
  zoneArns(zone: CatalogZone): string[] {
    const name = this.databases[zone].name;
    return [
      this.context.arn("glue", "catalog"),
      this.context.arn("glue", `database/${name}`),
      this.context.arn("glue", `table/${name}/*`),
    ];
  }

  private table(
    zone: "raw" | "curated",
    table: CatalogTable,
    layout: CatalogTableLayout,
    database: GlueCatalogDatabase,
    props: GlueCatalogProps,
    projection: Record<string, string>,
  ): GlueCatalogTable {
    const glueColumn = (c: CatalogColumn) => ({ name: c.name, type: c.type });
    return new GlueCatalogTable(this, `table-${zone}-${table.name}`, {
      name: table.name,
      databaseName: database.name,
      description: `${table.description} (${zone}, Parquet)`,
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "parquet",
        ...projection,
      },
      partitionKeys: layout.partitionKeys.map(glueColumn),
      storageDescriptor: {
        location: `s3://${props.zones[zone].bucket.bucket}/${table.name}/`,
        inputFormat: DEFAULTS.inputFormat,
        outputFormat: DEFAULTS.outputFormat,
        serDeInfo: {
          name: "parquet",
          serializationLibrary: DEFAULTS.serde,
          parameters: { "serialization.format": "1" },
        },
        columns: layout.columns.map(glueColumn),
      },
    });
  }
}

/**
 * Partition projection for a raw table's keys, in path order: a key of type `date` as a `date` projection (a dense
 * daily series from the start date to NOW; the lake's ingest_date, first, is one), other keys as `enum` when their
 * values are given. Projection is all or nothing per table, so one unprojectable key turns it off and the crawler
 * registers partitions instead.
 */
export function projectionOf(
  partitionKeys: readonly CatalogColumn[],
  values: Readonly<Record<string, readonly string[]>>,
  startDate: string,
): { parameters: Record<string, string>; partitioning: TablePartitioning } {
  const date = (name: string) => ({
    [`projection.${name}.type`]: "date",
    [`projection.${name}.format`]: "yyyy-MM-dd",
    [`projection.${name}.range`]: `${startDate},NOW`,
    [`projection.${name}.interval`]: "1",
    [`projection.${name}.interval.unit`]: "DAYS",
  });
  let parameters: Record<string, string> = { "projection.enabled": "true" };
  const unprojectable: string[] = [];
  for (const { name: key, type } of partitionKeys) {
    const enumValues = values[key];
    if (type === "date") parameters = { ...parameters, ...date(key) };
    else if (enumValues !== undefined && enumValues.length > 0)
      parameters = {
        ...parameters,
        [`projection.${key}.type`]: "enum",
        [`projection.${key}.values`]: enumValues.join(","),
      };
    else unprojectable.push(key);
  }
  return unprojectable.length === 0
    ? { parameters, partitioning: { projected: true, unprojectable } }
    : { parameters: {}, partitioning: { projected: false, unprojectable } };
}

function validate(props: GlueCatalogProps): void {
  const problems: string[] = [];
  for (const zone of CATALOG_ZONES) {
    const name = props.databaseNames[zone];
    if (!DATABASE_NAME.test(name))
      problems.push(`databaseNames.${zone} "${name}" must be 1-255 lower-case letters, digits or "_"`);
  }
  const start = props.projectionStartDate;
  if (start !== undefined && (!DATE.test(start) || Number.isNaN(Date.parse(start))))
    problems.push(`projectionStartDate "${start}" is not a YYYY-MM-DD date`);
  const window = props.keyDeletionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30))
    problems.push(`keyDeletionWindowDays must be 7 to 30, got ${window}`);
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(props.securityConfigurationName))
    problems.push(
      `securityConfigurationName "${props.securityConfigurationName}" must be 1-255 letters, digits, "-" or "_"`,
    );
  const names = new Set(props.tables.map((t) => t.name));
  for (const [table, keys] of Object.entries(props.projectedValues ?? {})) {
    if (!names.has(table)) problems.push(`projectedValues.${table}: no such table`);
    const declared = props.tables.find((t) => t.name === table)?.raw.partitionKeys.map((k) => k.name) ?? [];
    for (const [key, values] of Object.entries(keys)) {
      if (names.has(table) && !declared.includes(key))
        problems.push(`projectedValues.${table}.${key}: not a partition key of ${table}`);
      if (values.some((v) => v === "" || v.includes(",")))
        problems.push(`projectedValues.${table}.${key}: values must be non-empty and contain no ","`);
    }
  }
  if (problems.length > 0) throw new Error(`GlueCatalog: ${problems.join("; ")}`);
}
