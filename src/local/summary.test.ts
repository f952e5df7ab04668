import { describe, expect, it } from "vitest";
import {
  formatSummary,
  groupReasons,
  type LocalRunSummary,
  type PipelineSummary,
  places,
  type QuarantinedRow,
  table,
} from "./summary.js";

const pipeline = (over: Partial<PipelineSummary>): PipelineSummary => ({
  pipeline: "orders",
  source: "http",
  dropFiles: 1,
  rawFiles: 3,
  rawRows: 10,
  quarantinedRows: 0,
  reasonGroups: [],
  quarantinedFiles: [],
  curatedRows: 10,
  waiting: [],
  sample: [],
  ...over,
});

const run = (over: Partial<LocalRunSummary>): LocalRunSummary => ({
  pipelines: [],
  unknownFiles: [],
  curateToday: false,
  dlqDepth: {},
  batches: 0,
  walks: [],
  standIns: [],
  ...over,
});

const KEY = "airports/ingest_date=2026-12-05/airports.csv";
const missing = "name: missing value (the column is not nullable)";

describe("quarantine reasons in the summary", () => {
  it("groups 3,201 identical reasons into one line with their count and first three lines", () => {
    const rows: QuarantinedRow[] = [
      ...Array.from({ length: 3201 }, (_, i) => ({ sourceKey: KEY, line: 3202 - i, reason: missing })),
      { sourceKey: KEY, line: 40, reason: 'elevation: "high" is not an int' },
    ];
    const groups = groupReasons(rows);
    expect(groups).toEqual([
      {
        reason: missing,
        count: 3201,
        examples: [
          { sourceKey: KEY, line: 2 },
          { sourceKey: KEY, line: 3 },
          { sourceKey: KEY, line: 4 },
        ],
      },
      { reason: 'elevation: "high" is not an int', count: 1, examples: [{ sourceKey: KEY, line: 40 }] },
    ]);
    const text = formatSummary(
      run({ pipelines: [pipeline({ pipeline: "airports", quarantinedRows: 3202, reasonGroups: groups })] }),
    );
    expect(text).toContain(
      [
        "airports: 3,202 quarantined row(s), 2 distinct reason(s)",
        `   3,201 x ${missing} (airports.csv lines 2, 3, 4, …)`,
        '       1 x elevation: "high" is not an int (airports.csv line 40)',
      ].join("\n"),
    );
    expect(text.split("\n").filter((l) => l.includes("missing value"))).toHaveLength(1);
  });

  it("names each file when a reason's first places span files", () => {
    const [group] = groupReasons([
      { sourceKey: "p/ingest_date=2026-12-01/b.csv", line: 7, reason: "r" },
      { sourceKey: "p/ingest_date=2026-12-01/a.csv", line: 2, reason: "r" },
    ]);
    expect(group && places(group)).toBe("a.csv line 2, b.csv line 7");
  });

  it("shows ten reasons and counts the rest in one line", () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      sourceKey: KEY,
      line: i + 2,
      reason: `r${String(i).padStart(2, "0")}`,
    }));
    const text = formatSummary(
      run({ pipelines: [pipeline({ quarantinedRows: 12, reasonGroups: groupReasons(rows) })] }),
    );
    expect(text).toContain(
      "  … 2 more reason(s) over 2 row(s): every row is in the quarantine bucket under orders/",
    );
    expect(text).toContain("r09 (airports.csv line 11)");
    expect(text).not.toContain("r10 (");
  });
});

describe("whole-file quarantines, waiting dates and the terraform line", () => {
  it("shows a file quarantined whole with its reason, and counts it in the table", () => {
    const text = formatSummary(
      run({
        pipelines: [
          pipeline({
            rawFiles: 0,
            rawRows: 0,
            curatedRows: 0,
            quarantinedFiles: [
              { sourceKey: "orders/ingest_date=2026-12-05/x.csv", reason: "header: no column order_id" },
            ],
          }),
        ],
        unknownFiles: [
          { sourceKey: "ordrs/ingest_date=2026-12-05/x.csv", reason: 'unknown pipeline "ordrs"' },
        ],
      }),
    );
    expect(text).toContain(
      [
        "orders: 1 file(s) quarantined whole (no row of them reached raw)",
        "  - orders/ingest_date=2026-12-05/x.csv: header: no column order_id",
      ].join("\n"),
    );
    expect(text).toContain(
      [
        "1 file(s) under no declared pipeline, quarantined whole under _unknown/:",
        '  - ordrs/ingest_date=2026-12-05/x.csv: unknown pipeline "ordrs"',
      ].join("\n"),
    );
    expect(text).toContain(
      "orders    http             1          0         0                 0                  1             0",
    );
  });

  it("says which ingest dates wait for their day to end, and how to curate today now", () => {
    const text = formatSummary(run({ pipelines: [pipeline({ waiting: ["2026-12-05"] })] }));
    expect(text).toContain(
      "orders: waiting: 2026-12-05 is not complete yet (a date is curated once it has ended (UTC), as in AWS; CURATE_TODAY=1 make local/run curates today's now)",
    );
  });

  it("says when plan and apply were skipped, and when today was curated on demand", () => {
    const text = formatSummary(
      run({
        terraform: "no change since the last apply to this moto: plan and apply skipped",
        curateToday: true,
        walks: ["orders: SUCCEEDED (2026-12-06)"],
      }),
    );
    expect(text.split("\n").slice(1, 3)).toEqual([
      "event-lake, local: pipelines end to end",
      "terraform: no change since the last apply to this moto: plan and apply skipped",
    ]);
    expect(text).toContain(
      "curated stage runs (CURATE_TODAY=1: today's date curated on demand):\n  orders: SUCCEEDED (2026-12-06)",
    );
  });
});

describe("the pipeline table", () => {
  it("keeps every column aligned with long pipeline names and large numbers", () => {
    const lines = table([
      pipeline({ pipeline: "orders", rawRows: 10 }),
      pipeline({ pipeline: "airport_passenger_statistics_by_month", source: "stream", rawRows: 1_234_567 }),
    ]);
    expect(lines).toEqual([
      "pipeline                               source  drop files  raw files   raw rows  quarantined rows  quarantined files  curated rows",
      "orders                                 http             1          3         10                 0                  0            10",
      "airport_passenger_statistics_by_month  stream           1          3  1,234,567                 0                  0            10",
    ]);
    // Every column ends where its header ends.
    const header = lines[0] ?? "";
    for (const title of [
      "drop files",
      "raw files",
      "raw rows",
      "quarantined rows",
      "quarantined files",
      "curated rows",
    ]) {
      const end = header.indexOf(title) + title.length;
      for (const line of lines.slice(1)) expect(line[end - 1], title).toMatch(/\d/);
    }
  });
});
