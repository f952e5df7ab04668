/**
 * One ingest date of one pipeline in the analytics run ledger (`<prefix>-analytics-runs`), item `transform#<p>#<d>`.
 * Three writers share it:
 *
 * - the orchestrator claims the date for a run (`status = started`, `claimed_at`), conditionally, so a date runs once;
 * - the curated state machine marks it done (`status = succeeded`, `finished_at`);
 * - drop-to-raw records `raw_changed_at` (and `raw_changed_by`) when the date's raw input changes after it was
 *   claimed: a corrected file replaced an older version's rows, or a late file (a DLQ redrive the next day) added
 *   rows. Only an existing item is touched: a date never claimed has nothing to redo.
 *
 * A date is transformed (again) when it has no item, when its claim went stale, or when its raw input changed after
 * the claim that transformed it: `raw_changed_at > claimed_at`. Each run first deletes the date's curated files, so a
 * date transformed again replaces what it had (handlers/orchestrator/orchestrator.ts).
 *
 * The keys and decisions only, free of the AWS SDK: the handlers (handlers/shared/run-ledger.ts), the local runner's
 * stand-ins and `make curated/redo` each send the requests with their own client.
 */

export const transformKey = (pipeline: string, date: string): string => `transform#${pipeline}#${date}`;

/** The attributes of a date's item that decide whether it is transformed again. */
export interface TransformItem {
  readonly status?: string | undefined;
  readonly claimedAt?: string | undefined;
  readonly finishedAt?: string | undefined;
  readonly rawChangedAt?: string | undefined;
}

/**
 * Whether a date whose run succeeded must be transformed again: its raw input changed after it was claimed (after it
 * finished, for an item no orchestrator claimed: the local runner's). ISO 8601 UTC timestamps compare as strings.
 */
export function rawChangedSinceRun(item: TransformItem): boolean {
  const since = item.claimedAt ?? item.finishedAt;
  return item.rawChangedAt !== undefined && (since === undefined || item.rawChangedAt > since);
}

/** A raw change of some ingest dates of one pipeline. */
export interface RawChange {
  readonly pipeline: string;
  readonly dates: readonly string[];
  readonly at: Date;
  /** What changed it, for whoever reads the item: the source object's ledger key. */
  readonly by: string;
}

/** The DynamoDB `UpdateItem` input that records a raw change on one date's item, if the item exists. */
export interface RawChangedUpdate {
  readonly TableName: string;
  readonly Key: { readonly pk: { readonly S: string } };
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues: {
    readonly ":at": { readonly S: string };
    readonly ":by": { readonly S: string };
  };
}

export function rawChangedUpdate(table: string, change: RawChange, date: string): RawChangedUpdate {
  return {
    TableName: table,
    Key: { pk: { S: transformKey(change.pipeline, date) } },
    UpdateExpression: "SET raw_changed_at = :at, raw_changed_by = :by",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":at": { S: change.at.toISOString() }, ":by": { S: change.by } },
  };
}

/**
 * Records that the raw input of these dates changed, on each date's item that exists, once per date in date order,
 * through `update` (which sends the `UpdateItem`). Returns the dates whose item was there: the curated dates the next
 * raw crawl transforms again, if their run had already started. A failed condition (no item) skips the date; any
 * other error is thrown, so the caller retries rather than forgets the change.
 */
export async function markDatesRawChanged(
  update: (input: RawChangedUpdate) => Promise<unknown>,
  table: string,
  change: RawChange,
): Promise<string[]> {
  const marked: string[] = [];
  for (const date of [...new Set(change.dates)].sort()) {
    try {
      await update(rawChangedUpdate(table, change, date));
      marked.push(date);
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") continue;
      throw error;
    }
  }
  return marked;
}
