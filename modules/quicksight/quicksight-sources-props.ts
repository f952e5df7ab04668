import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import type { AwsContext } from "../aws-context/index.js";
import type { Warehouse } from "../warehouse/index.js";

export interface QuicksightSourcesProps {
  readonly context: AwsContext;
  readonly names: {
    /**
     * Prefix of the data-source ids (`<prefix>-athena`, `<prefix>-redshift`), the VPC connection id
     * (`<prefix>-redshift`) and the security group name (`<prefix>-quicksight`), e.g. `event-lake-test`.
     */
    readonly prefix: string;
    /**
     * The role QuickSight assumes to place the VPC connection's network interfaces (at most 64 characters). Needed
     * with `redshift`.
     */
    readonly vpcConnectionRole?: string;
  };
  /** A data source on `workgroup` (type ATHENA). @default true */
  readonly athena?: boolean;
  /** The Athena workgroup QuickSight queries in: the analysts' read-only one. Needed with `athena`. */
  readonly workgroup?: AthenaWorkgroup;
  /** A data source on `warehouse` (type REDSHIFT) through a VPC connection in its private subnets. @default false */
  readonly redshift?: boolean;
  /** The warehouse QuickSight connects to, as its managed admin user. Needed with `redshift`. */
  readonly warehouse?: Warehouse;
  /**
   * QuickSight users or groups (their ARNs, `arn:<partition>:quicksight:<region>:<account>:user|group/<namespace>/
   * <name>`) that may use the data sources: describe them, see their permissions, build data sets on them.
   * @default [] (no permission block: only QuickSight admins see the sources)
   */
  readonly readers?: readonly string[];
  /** QuickSight users or groups that may also update, delete and share the data sources. @default [] */
  readonly owners?: readonly string[];
  /**
   * The role QuickSight reads Secrets Manager secrets with, created by QuickSight when an admin grants it access to
   * secrets (Manage QuickSight, Security & permissions). It may decrypt the warehouse's admin secret. Only with
   * `redshift`. @default "aws-quicksight-secretsmanager-role-v0"
   */
  readonly secretsManagerRoleName?: string;
}

/** Defaults, in one place so tests and docs can pin them. */
export const QUICKSIGHT_SOURCES_DEFAULTS = {
  athena: true,
  redshift: false,
  readers: [],
  owners: [],
  secretsManagerRoleName: "aws-quicksight-secretsmanager-role-v0",
} as const;

/** What a reader of a data source may do: the actions QuickSight's console gives a user it is shared with. */
export const DATA_SOURCE_READER_ACTIONS = [
  "quicksight:DescribeDataSource",
  "quicksight:DescribeDataSourcePermissions",
  "quicksight:PassDataSource",
] as const;

/** What an owner may do besides: change, delete and share it. */
export const DATA_SOURCE_OWNER_ACTIONS = [
  ...DATA_SOURCE_READER_ACTIONS,
  "quicksight:DeleteDataSource",
  "quicksight:UpdateDataSource",
  "quicksight:UpdateDataSourcePermissions",
] as const;

/** QuickSight accepts at most this many principals in one data source's permissions. */
export const MAX_PRINCIPALS = 64;
