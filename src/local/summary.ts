/** What `make local` prints at the end of a runner pass: pure, so every line of it is tested. */

/** A row the converter quarantined: one line of a quarantine NDJSON. */
export interface QuarantinedRow {
  readonly sourceKey: string;
  /** 1-based line in the source file, or null when unknown. */
  readonly line: number | null;
  readonly reason: string;
}

/** A file quarantined whole (a `.reason.json` sidecar beside its copy). */
export interface QuarantinedFile {
  readonly sourceKey: string;
  readonly reason: string;
}

/** Identical reasons, counted, with the first few places they occur. */
export interface ReasonGroup {
  readonly reason: string;
  readonly count: number;
  readonly examples: readonly { readonly sourceKey: string; readonly line: number | null }[];
}

export interface PipelineSummary {
  readonly pipeline: string;
  readonly source: string;
  readonly dropFiles: number;
  readonly rawFiles: number;
  readonly rawRows: number;
  readonly quarantinedRows: number;
  readonly reasonGroups: readonly ReasonGroup[];
  readonly quarantinedFiles: readonly QuarantinedFile[];
  readonly curatedRows: number;
  /** Raw ingest dates not complete yet (today or later, UTC), so not curated. */
  readonly waiting: readonly string[];
  readonly sample: readonly Record<string, unknown>[];
}

export interface LocalRunSummary {
  /** What happened to terraform before this pass (plan and apply, skipped, not run). */
  readonly terraform?: string;
  readonly pipelines: readonly PipelineSummary[];
  /** Files whose key names no declared pipeline, quarantined whole under `_unknown/`. */
  readonly unknownFiles: readonly QuarantinedFile[];
  /** CURATE_TODAY=1: today's ingest date was curated on demand. */
  readonly curateToday: boolean;
  readonly dlqDepth: Readonly<Record<string, number>>;
  readonly batches: number;
  /** Each curated-stage walk: pipeline, status and dates. */
  readonly walks: readonly string[];
  /** What ran as a stand-in for a service moto cannot run, said in the summary. */
  readonly standIns: readonly string[];
}

/** Reason groups shown per pipeline; the rest are counted in one line. */
export const SHOWN_REASONS = 10;
/** Places listed per reason. */
export const EXAMPLES_PER_REASON = 3;

/** Groups identical reasons: most frequent first (then by reason), each with its first places in file/line order. */
export function groupReasons(rows: readonly QuarantinedRow[], examples = EXAMPLES_PER_REASON): ReasonGroup[] {
  const groups = new Map<string, QuarantinedRow[]>();
  for (const row of rows) {
    const group = groups.get(row.reason);
    if (group) group.push(row);
    else groups.set(row.reason, [row]);
  }
  return [...groups.entries()]
    .map(([reason, members]) => ({
      reason,
      count: members.length,
      examples: [...members]
        .sort((a, b) => a.sourceKey.localeCompare(b.sourceKey) || (a.line ?? 0) - (b.line ?? 0))
        .slice(0, examples)
        .map((m) => ({ sourceKey: m.sourceKey, line: m.line })),
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

const fileName = (key: string) => key.slice(key.lastIndexOf("/") + 1);
const count = (n: number) => n.toLocaleString("en-US");

/** `orders.csv lines 12, 13, …` (one file) or `a.csv line 2, b.csv line 7, …` (several). */
export function places(group: ReasonGroup): string {
  const more = group.count > group.examples.length ? ", …" : "";
  const files = new Set(group.examples.map((e) => e.sourceKey));
  const line = (n: number | null) => (n === null ? "?" : String(n));
  if (files.size === 1) {
    const lines = group.examples.map((e) => line(e.line));
    const file = fileName(group.examples[0]?.sourceKey ?? "");
    return `${file} line${group.count > 1 ? "s" : ""} ${lines.join(", ")}${more}`;
  }
  return `${group.examples.map((e) => `${fileName(e.sourceKey)} line ${line(e.line)}`).join(", ")}${more}`;
}

const COLUMNS = [
  "pipeline",
  "source",
  "drop files",
  "raw files",
  "raw rows",
  "quarantined rows",
  "quarantined files",
  "curated rows",
] as const;

/** The per-pipeline table; every column as wide as its widest cell, so long names keep it aligned. */
export function table(pipelines: readonly PipelineSummary[]): string[] {
  const rows = pipelines.map((p) => [
    p.pipeline,
    p.source,
    count(p.dropFiles),
    count(p.rawFiles),
    count(p.rawRows),
    count(p.quarantinedRows),
    count(p.quarantinedFiles.length),
    count(p.curatedRows),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  // Names and sources left-aligned, numbers right-aligned.
  const cell = (value: string, i: number) =>
    i < 2 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0);
  return [COLUMNS as readonly string[], ...rows].map((r) => r.map(cell).join("  ").trimEnd());
}

export const WAITING_RULE =
  "a date is curated once it has ended (UTC), as in AWS; CURATE_TODAY=1 make local/run curates today's now";

/** The summary as a person reads it. */
export function formatSummary(summary: LocalRunSummary): string {
  const lines = ["", "event-lake, local: pipelines end to end"];
  if (summary.terraform !== undefined) lines.push(`terraform: ${summary.terraform}`);
  lines.push("", ...table(summary.pipelines));
  for (const p of summary.pipelines) {
    if (p.quarantinedFiles.length > 0)
      lines.push(
        "",
        `${p.pipeline}: ${p.quarantinedFiles.length} file(s) quarantined whole (no row of them reached raw)`,
        ...p.quarantinedFiles.map((f) => `  - ${f.sourceKey}: ${f.reason}`),
      );
    if (p.reasonGroups.length > 0) {
      lines.push(
        "",
        `${p.pipeline}: ${count(p.quarantinedRows)} quarantined row(s), ${p.reasonGroups.length} distinct reason(s)`,
      );
      for (const g of p.reasonGroups.slice(0, SHOWN_REASONS))
        lines.push(`  ${count(g.count).padStart(6)} x ${g.reason} (${places(g)})`);
      const rest = p.reasonGroups.slice(SHOWN_REASONS);
      if (rest.length > 0)
        lines.push(
          `  … ${rest.length} more reason(s) over ${count(rest.reduce((n, g) => n + g.count, 0))} row(s): every row is in the quarantine bucket under ${p.pipeline}/`,
        );
    }
    for (const date of p.waiting)
      lines.push("", `${p.pipeline}: waiting: ${date} is not complete yet (${WAITING_RULE})`);
    if (p.sample.length > 0)
      lines.push(
        "",
        `${p.pipeline}: SELECT * FROM ${p.pipeline} ORDER BY ALL LIMIT 3`,
        ...p.sample.map((r) => `  ${JSON.stringify(r)}`),
      );
  }
  if (summary.unknownFiles.length > 0)
    lines.push(
      "",
      `${summary.unknownFiles.length} file(s) under no declared pipeline, quarantined whole under _unknown/:`,
      ...summary.unknownFiles.map((f) => `  - ${f.sourceKey}: ${f.reason}`),
    );
  lines.push(
    "",
    `curated stage runs${summary.curateToday ? " (CURATE_TODAY=1: today's date curated on demand)" : ""}:`,
    ...(summary.walks.length > 0
      ? summary.walks.map((w) => `  ${w}`)
      : ["  none needed: every complete ingest date is curated"]),
  );
  lines.push("", "dead-letter queues:");
  for (const [name, depth] of Object.entries(summary.dlqDepth)) lines.push(`  ${name}: ${depth}`);
  lines.push("", "stand-ins (moto cannot run these):", ...summary.standIns.map((s) => `  - ${s}`), "");
  return lines.join("\n");
}
