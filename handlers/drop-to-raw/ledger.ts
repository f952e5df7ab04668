import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";

/**
 * The idempotency ledger: one item per object version (partition key `pk`, see `ledgerKey`). A conversion first
 * claims the item (`status = processing` with a lease), and records `status = done` with its counts and outputs
 * when everything is written. A second delivery of the same version finds `done` and does nothing; two deliveries
 * running at once both try the conditional claim and only one wins. A claim whose holder died expires with its
 * lease, and the next delivery takes it over.
 *
 * Item attributes: pk, status (processing|done), owner, lease_until (epoch seconds, while processing), attempts,
 * source_bucket, source_key, version_id, etag, pipeline, claimed_at, completed_at, outcome
 * (converted|quarantined|skipped), rows_in, rows_out, rows_rejected, raw_keys, quarantine_keys, output_count, reason,
 * last_error.
 */

export interface LedgerSource {
  readonly pk: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly eTag: string | undefined;
  readonly pipeline: string | undefined;
}

export type ClaimResult =
  | { readonly claimed: true; readonly attempt: number }
  | { readonly claimed: false; readonly status: "done"; readonly item: LedgerItem }
  | {
      readonly claimed: false;
      readonly status: "processing";
      readonly owner: string;
      readonly leaseUntil: number;
    };

export interface LedgerItem {
  readonly outcome: string | undefined;
  readonly rowsIn: number | undefined;
  readonly rowsOut: number | undefined;
  readonly rowsRejected: number | undefined;
  readonly completedAt: string | undefined;
}

export interface Completion {
  readonly outcome: "converted" | "quarantined" | "skipped";
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rowsRejected: number;
  readonly rawKeys: readonly string[];
  readonly quarantineKeys: readonly string[];
  readonly reason?: string;
}

/** Keys beyond this many are counted (`output_count`) but not listed, to stay far from DynamoDB's 400 KB item. */
export const MAX_LISTED_KEYS = 200;

/** A claim this process held was taken over (its lease expired) before it could record the result. */
export class LostClaimError extends Error {
  constructor(pk: string) {
    super(`lost the ledger claim on ${pk}: its lease expired and another delivery took it over`);
    this.name = "LostClaimError";
  }
}

export class Ledger {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: () => Date,
  ) {}

  /** Claims `source` for `owner` for `leaseSeconds`, unless it is done or another live claim holds it. */
  async claim(source: LedgerSource, owner: string, leaseSeconds: number): Promise<ClaimResult> {
    for (let round = 0; round < 3; round++) {
      const now = this.clock();
      const epoch = Math.floor(now.getTime() / 1000);
      try {
        const result = await this.dynamo.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: { S: source.pk } },
            ConditionExpression: "attribute_not_exists(pk) OR (#status = :processing AND lease_until < :now)",
            UpdateExpression:
              "SET #status = :processing, #owner = :owner, lease_until = :lease, claimed_at = :at, " +
              "source_bucket = :bucket, source_key = :key, pipeline = :pipeline" +
              (source.versionId !== undefined ? ", version_id = :version" : "") +
              (source.eTag !== undefined ? ", etag = :etag" : "") +
              " ADD attempts :one",
            ExpressionAttributeNames: { "#status": "status", "#owner": "owner" },
            ExpressionAttributeValues: {
              ":processing": { S: "processing" },
              ":now": { N: String(epoch) },
              ":owner": { S: owner },
              ":lease": { N: String(epoch + leaseSeconds) },
              ":at": { S: now.toISOString() },
              ":bucket": { S: source.bucket },
              ":key": { S: source.key },
              ":pipeline": source.pipeline !== undefined ? { S: source.pipeline } : { NULL: true },
              ":one": { N: "1" },
              ...(source.versionId !== undefined ? { ":version": { S: source.versionId } } : {}),
              ...(source.eTag !== undefined ? { ":etag": { S: source.eTag } } : {}),
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return { claimed: true, attempt: Number(result.Attributes?.["attempts"]?.N ?? 1) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const current = await this.get(source.pk);
      if (current === undefined) continue; // released between our write and our read: try again
      const status = current["status"]?.S;
      if (status === "done") return { claimed: false, status: "done", item: toLedgerItem(current) };
      const leaseUntil = Number(current["lease_until"]?.N ?? 0);
      if (status === "processing" && leaseUntil >= Math.floor(this.clock().getTime() / 1000))
        return { claimed: false, status: "processing", owner: current["owner"]?.S ?? "", leaseUntil };
      // The lease ran out between our write and our read: try again.
    }
    throw new Error(`could not claim ${source.pk}: the ledger item keeps changing`);
  }

  /** Records the result; fails with {@link LostClaimError} if `owner` no longer holds the claim. */
  async complete(pk: string, owner: string, done: Completion): Promise<void> {
    const keys = [...done.rawKeys, ...done.quarantineKeys];
    const list = (values: readonly string[]): AttributeValue => ({
      L: values.slice(0, MAX_LISTED_KEYS).map((S) => ({ S })),
    });
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk } },
          ConditionExpression: "#status = :processing AND #owner = :owner",
          UpdateExpression:
            "SET #status = :done, outcome = :outcome, completed_at = :at, rows_in = :in, rows_out = :out, " +
            "rows_rejected = :rejected, raw_keys = :raw, quarantine_keys = :quarantine, output_count = :count" +
            (done.reason !== undefined ? ", reason = :reason" : "") +
            " REMOVE lease_until, last_error",
          ExpressionAttributeNames: { "#status": "status", "#owner": "owner" },
          ExpressionAttributeValues: {
            ":processing": { S: "processing" },
            ":owner": { S: owner },
            ":done": { S: "done" },
            ":outcome": { S: done.outcome },
            ":at": { S: this.clock().toISOString() },
            ":in": { N: String(done.rowsIn) },
            ":out": { N: String(done.rowsOut) },
            ":rejected": { N: String(done.rowsRejected) },
            ":raw": list(done.rawKeys),
            ":quarantine": list(done.quarantineKeys),
            ":count": { N: String(keys.length) },
            ...(done.reason !== undefined ? { ":reason": { S: done.reason.slice(0, 4000) } } : {}),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LostClaimError(pk);
      throw error;
    }
  }

  /**
   * Gives the claim up after a failure so that the retry need not wait for the lease: the lease is set to 0 and
   * the error kept. Best effort: if the claim is no longer ours, there is nothing to give up.
   */
  async release(pk: string, owner: string, error: string): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk } },
          ConditionExpression: "#status = :processing AND #owner = :owner",
          UpdateExpression: "SET lease_until = :zero, last_error = :error",
          ExpressionAttributeNames: { "#status": "status", "#owner": "owner" },
          ExpressionAttributeValues: {
            ":processing": { S: "processing" },
            ":owner": { S: owner },
            ":zero": { N: "0" },
            ":error": { S: error.slice(0, 4000) },
          },
        }),
      );
    } catch (failure) {
      if (!(failure instanceof ConditionalCheckFailedException)) throw failure;
    }
  }

  async get(pk: string): Promise<Record<string, AttributeValue> | undefined> {
    const result = await this.dynamo.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    return result.Item;
  }
}

function toLedgerItem(item: Record<string, AttributeValue>): LedgerItem {
  const n = (name: string) => (item[name]?.N !== undefined ? Number(item[name]?.N) : undefined);
  return {
    outcome: item["outcome"]?.S,
    rowsIn: n("rows_in"),
    rowsOut: n("rows_out"),
    rowsRejected: n("rows_rejected"),
    completedAt: item["completed_at"]?.S,
  };
}
