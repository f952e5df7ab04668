import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import type { Grantee } from "../aws-context/index.js";

export interface LedgerTableProps {
  /** Physical table name, from the naming helper. */
  readonly tableName: string;
  /** String partition key. @default "pk" */
  readonly partitionKey?: string;
  /** String sort key. @default none */
  readonly sortKey?: string;
  /** Attribute holding an expiry in epoch seconds (DynamoDB TTL). @default none: items are kept */
  readonly ttlAttribute?: string;
  /**
   * Refuse `terraform destroy` of the table. Only the local-compatibility layer turns this off (local is disposable).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * A customer-managed key to encrypt the table with; its policy must let DynamoDB use it (dynamodbKeyStatement).
   * @default undefined: the AWS-managed DynamoDB key
   */
  readonly key?: KmsKey;
}

export const LEDGER_TABLE_DEFAULTS = { partitionKey: "pk", deletionProtection: true } as const;

/**
 * A DynamoDB table for bookkeeping (idempotency ledger, run records): on-demand, point-in-time recovery, encrypted
 * with KMS (the caller's customer-managed key, or else the AWS-managed DynamoDB key, which rotates yearly), deletion-protected. Access through `grantReadWrite`,
 * or `grantUpdateItems` for updates of one key prefix's items.
 */
export class LedgerTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: LedgerTableProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(props.tableName))
      throw new Error(
        `LedgerTable: tableName "${props.tableName}" must be 3-255 letters, digits, "_", "-" or "."`,
      );
    const hashKey = props.partitionKey ?? LEDGER_TABLE_DEFAULTS.partitionKey;
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey,
      rangeKey: props.sortKey,
      attribute: [
        { name: hashKey, type: "S" },
        ...(props.sortKey ? [{ name: props.sortKey, type: "S" }] : []),
      ],
      ttl: props.ttlAttribute ? { attributeName: props.ttlAttribute, enabled: true } : undefined,
      // Applied after the caller's props.
      serverSideEncryption: props.key ? { enabled: true, kmsKeyArn: props.key.arn } : { enabled: true },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? LEDGER_TABLE_DEFAULTS.deletionProtection,
    });
  }

  /** Item reads and writes (conditional puts, updates, queries) on this one table. */
  grantReadWrite(grantee: Grantee): void {
    grantee.addStatements({
      actions: [
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
      ],
      resources: [this.table.arn],
    });
  }

  /**
   * Updates (no reads, puts or deletes) of the items whose partition key starts with `keyPrefix`, e.g. drop-to-raw
   * recording a raw change on the run ledger's `transform#<pipeline>#<date>` items.
   */
  grantUpdateItems(grantee: Grantee, keyPrefix: string): void {
    if (keyPrefix === "" || /[*?]/.test(keyPrefix))
      throw new Error(
        `LedgerTable.grantUpdateItems: keyPrefix "${keyPrefix}" must be a non-empty literal prefix`,
      );
    grantee.addStatements({
      actions: ["dynamodb:UpdateItem"],
      resources: [this.table.arn],
      condition: [
        { test: "ForAllValues:StringLike", variable: "dynamodb:LeadingKeys", values: [`${keyPrefix}*`] },
      ],
    });
  }
}
