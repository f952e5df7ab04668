/** Tables of cost lines, as aligned text (the CLI) or Markdown (docs/BENCHMARKS.md). Pure string building. */
import type { Comparison, CostLine } from "./model.js";

export type TableStyle = "text" | "markdown";

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  style: TableStyle,
): string {
  if (style === "markdown") {
    const esc = (c: string) => c.replace(/\|/g, "\\|");
    return [
      `| ${header.map(esc).join(" | ")} |`,
      `|${header.map((_, i) => (i === 0 || i === 1 ? "---" : "---:")).join("|")}|`,
      ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
    ].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (cell: string, i: number) =>
    i <= 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
  return [header, widths.map((w) => "-".repeat(w)), ...rows]
    .map((r) => r.map(pad).join("  ").trimEnd())
    .join("\n");
}

export function usd(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function quantity(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en");
  return value.toPrecision(3);
}

function unitPrice(value: number): string {
  return value >= 0.01 ? `$${value}` : `$${Number(value.toPrecision(3))}`;
}

/** One design's lines, with a total row. */
export function costTable(lines: readonly CostLine[], style: TableStyle): string {
  const header = ["service", "item", "quantity / month", "unit price", "monthly", "above use (minimums)"];
  const rows = lines.map((l) => [
    l.service,
    l.item,
    `${quantity(l.quantity)} ${l.price.unit}`,
    unitPrice(l.price.usd),
    usd(l.monthlyUsd),
    l.minimumShare === undefined ? "" : `${Math.round(l.minimumShare * 100)}%`,
  ]);
  rows.push(["total", "", "", "", usd(lines.reduce((s, l) => s + l.monthlyUsd, 0)), ""]);
  return renderTable(header, rows, style);
}

/** Notes that explain a line (measured inputs, minimums, Bucket Keys). */
export function costNotes(lines: readonly CostLine[]): string[] {
  return lines.filter((l) => l.note !== undefined).map((l) => `${l.service}, ${l.item}: ${l.note}`);
}

/** Monthly totals, cost per GB ingested (all-in and ingest stage only) and the ratio. */
export function comparisonTable(c: Comparison, style: TableStyle): string {
  const header = ["design", "monthly", "per GB ingested", "ingest stage per GB", "paid above use (minimums)"];
  const row = (name: string, t: Comparison["seeds"]) => [
    name,
    usd(t.monthlyUsd),
    usd(t.usdPerGb),
    usd(t.ingestUsdPerGb),
    `${usd(t.minimumsUsd)} (${Math.round((t.minimumsUsd / t.monthlyUsd) * 100)}%)`,
  ];
  return renderTable(
    header,
    [
      row("event-lake", c.eventLake),
      row("seeds (crawler + Spark job per file)", c.seeds),
      [
        "seeds / event-lake",
        `${c.ratio.toFixed(1)}x`,
        `${c.ratio.toFixed(1)}x`,
        `${c.ingestRatio.toFixed(1)}x`,
        "",
      ],
    ],
    style,
  );
}

/** Distinct price sources, one per unit, for the footnote. */
export function priceSources(lines: readonly CostLine[]): string[] {
  const seen = new Map<string, string>();
  for (const l of lines) seen.set(`${l.service}: ${l.price.listed}`, l.price.source);
  return [...seen].map(([what, source]) => `${what} (${source})`);
}
