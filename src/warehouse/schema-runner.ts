import {
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { splitSqlStatements, statementLabel } from "./split-statements.js";

/**
 * Runs a SQL script on Redshift through the Data API, one statement at a time, in order, as the user of a Secrets
 * Manager secret: the pure core of `make warehouse/schema`, which takes its client, clock and logger as arguments.
 */

/** Where the statements run: a Serverless workgroup or a provisioned cluster. */
export type WarehouseTarget = { readonly workgroupName: string } | { readonly clusterIdentifier: string };

export const SCHEMA_RUNNER_DEFAULTS = {
  /** Five minutes per statement, from submission to FINISHED. */
  timeoutMs: 300_000,
  firstPollMs: 250,
  maxPollMs: 5_000,
} as const;

export interface SchemaRunOptions {
  readonly client: RedshiftDataClient;
  readonly target: WarehouseTarget;
  readonly database: string;
  /** The secret whose username and password the statements run as (the warehouse's admin secret). */
  readonly secretArn: string;
  /** The script: statements separated by `;`, comments allowed (see split-statements.ts). */
  readonly sql: string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** How long one statement may take before it is cancelled and the run fails. @default 300_000 (5 minutes) */
  readonly timeoutMs?: number;
  /** The first wait before polling a statement, doubled after each poll up to `maxPollMs`. @default 250 */
  readonly firstPollMs?: number;
  /** The longest wait between two polls. @default 5_000 */
  readonly maxPollMs?: number;
  /** The clock the timeout is measured on. @default Date.now */
  readonly now?: () => number;
}

/** A statement's result set, every value as text (`NULL` for null). */
export interface ResultTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface StatementOutcome {
  readonly label: string;
  readonly id: string;
  readonly durationMs: number;
  /** Only for a statement that returns rows (the script's closing SELECT). */
  readonly result?: ResultTable;
}

/** A statement that was refused, failed, was aborted or ran out of time; nothing after it ran. */
export class SchemaRunError extends Error {
  constructor(
    message: string,
    /** 1-based position of the statement in the script. */
    readonly statement: number,
    /** Redshift's own error text, when it gave one. */
    readonly redshiftError?: string,
  ) {
    super(message);
  }
}

/** Runs every statement of `options.sql` in order and returns what each did; throws at the first that does not finish. */
export async function runSchemaSql(options: SchemaRunOptions): Promise<StatementOutcome[]> {
  // Validate.
  const statements = validate(options);
  const timeoutMs = options.timeoutMs ?? SCHEMA_RUNNER_DEFAULTS.timeoutMs;
  const now = options.now ?? Date.now;
  const where =
    "workgroupName" in options.target
      ? { WorkgroupName: options.target.workgroupName }
      : { ClusterIdentifier: options.target.clusterIdentifier };

  const outcomes: StatementOutcome[] = [];
  for (const [index, sql] of statements.entries()) {
    const label = statementLabel(sql);
    const position = `statement ${index + 1} of ${statements.length}`;
    options.log(`[${index + 1}/${statements.length}] ${label}`);
    const started = now();
    let id: string;
    try {
      const submitted = await options.client.send(
        new ExecuteStatementCommand({
          ...where,
          Database: options.database,
          SecretArn: options.secretArn,
          Sql: sql,
          WithEvent: false,
        }),
      );
      if (!submitted.Id) throw new Error("the Data API returned no statement id");
      id = submitted.Id;
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SchemaRunError(`${position} (${label}) was not accepted: ${reason}`, index + 1);
    }

    const described = await waitForStatement(options, id, {
      position,
      label,
      index,
      timeoutMs,
      now,
      started,
    });
    const durationMs = now() - started;
    const result = described.HasResultSet ? await fetchResult(options.client, id) : undefined;
    options.log(`  finished in ${(durationMs / 1000).toFixed(1)} s`);
    if (result) for (const line of formatTable(result)) options.log(`  ${line}`);
    outcomes.push({ label, id, durationMs, ...(result ? { result } : {}) });
  }
  return outcomes;
}

interface Progress {
  readonly position: string;
  readonly label: string;
  readonly index: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly started: number;
}

/** Polls with a doubling wait until FINISHED; FAILED, ABORTED or the timeout (which cancels it) throw. */
async function waitForStatement(
  options: SchemaRunOptions,
  id: string,
  progress: Progress,
): Promise<DescribeStatementResponse> {
  const { position, label, index, timeoutMs, now, started } = progress;
  let wait = options.firstPollMs ?? SCHEMA_RUNNER_DEFAULTS.firstPollMs;
  const maxWait = options.maxPollMs ?? SCHEMA_RUNNER_DEFAULTS.maxPollMs;
  let status = "SUBMITTED";
  for (;;) {
    const elapsed = now() - started;
    if (elapsed >= timeoutMs) {
      try {
        await options.client.send(new CancelStatementCommand({ Id: id }));
      } catch (error) {
        options.log(`  could not cancel ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw new SchemaRunError(
        `${position} (${label}) did not finish within ${Math.round(timeoutMs / 1000)} s (last status ${status}); it was cancelled`,
        index + 1,
      );
    }
    await options.sleep(Math.min(wait, timeoutMs - elapsed));
    wait = Math.min(wait * 2, maxWait);
    let described: DescribeStatementResponse;
    try {
      described = await options.client.send(new DescribeStatementCommand({ Id: id }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SchemaRunError(`${position} (${label}): its status could not be read: ${reason}`, index + 1);
    }
    status = described.Status ?? status;
    if (status === "FINISHED") return described;
    if (status === "FAILED" || status === "ABORTED") {
      const error = described.Error ?? "no error text";
      const what = status === "FAILED" ? "failed" : "was aborted";
      throw new SchemaRunError(`${position} (${label}) ${what}: ${error}`, index + 1, described.Error);
    }
  }
}

async function fetchResult(client: RedshiftDataClient, id: string): Promise<ResultTable> {
  const rows: string[][] = [];
  let columns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetStatementResultCommand({ Id: id, NextToken: nextToken }));
    if (page.ColumnMetadata)
      columns = page.ColumnMetadata.map((c, i) => c.name ?? c.label ?? `column${i + 1}`);
    for (const record of page.Records ?? []) rows.push(record.map(fieldText));
    nextToken = page.NextToken;
  } while (nextToken);
  return { columns, rows };
}

function fieldText(field: Field): string {
  if (field.isNull) return "NULL";
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return String(field.longValue);
  if (field.doubleValue !== undefined) return String(field.doubleValue);
  if (field.booleanValue !== undefined) return String(field.booleanValue);
  if (field.blobValue !== undefined) return `<${field.blobValue.length} bytes>`;
  return "?";
}

/** The rows as an aligned text table under its header; "(no rows)" when empty. */
export function formatTable(table: ResultTable): string[] {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join(" | ")
      .trimEnd();
  const body = table.rows.length === 0 ? ["(no rows)"] : table.rows.map(line);
  return [line(table.columns), widths.map((w) => "-".repeat(w)).join("-+-"), ...body];
}

function validate(options: SchemaRunOptions): string[] {
  const problems: string[] = [];
  const target = options.target as Partial<Record<"workgroupName" | "clusterIdentifier", string>>;
  const names = [target.workgroupName, target.clusterIdentifier].filter((n) => n !== undefined);
  if (names.length !== 1 || names[0] === "")
    problems.push("target: give exactly one of a non-empty workgroupName or clusterIdentifier");
  if (options.database === "") problems.push("database: must not be empty");
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(options.secretArn))
    problems.push(`secretArn: "${options.secretArn}" is not a Secrets Manager secret ARN`);
  for (const key of ["timeoutMs", "firstPollMs", "maxPollMs"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      problems.push(`${key}: must be a positive number of milliseconds, got ${value}`);
  }
  let statements: string[] = [];
  try {
    statements = splitSqlStatements(options.sql);
    if (statements.length === 0) problems.push("sql: has no statement");
  } catch (error) {
    problems.push(`sql: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new Error(`runSchemaSql: ${problems.join("; ")}`);
  return statements;
}
