/**
 * Monthly cost estimate per service, for event-lake and for the seeds' design at the same volume.
 *
 *   node --import tsx src/cost/cli.ts [--gb-per-day 1] [--files-per-day 1000] [--queries-per-day 200]
 *     [--gb-scanned-per-query 0.5] [--pipelines 2] [--redshift-hours-per-day 1] [--pulls-per-day 24]
 *     [--crawl-interval-minutes 60] [--region eu-west-1|us-east-1] [--stack cdktf.out/stacks/test/cdk.tf.json]
 *     [--converter bench/out/converter.json] [--markdown] [--json]
 */
import { parseArgs } from "node:util";
import { comparisonTable, costNotes, costTable, priceSources, type TableStyle } from "./format.js";
import { DEFAULT_CONVERTER_JSON, DEFAULT_STACK_JSON, loadInputs } from "./inputs.js";
import { compare, DEFAULT_VOLUME, estimate, estimateSeeds, type Volume } from "./model.js";

const { values } = parseArgs({
  options: {
    "gb-per-day": { type: "string", default: String(DEFAULT_VOLUME.gbPerDay) },
    "files-per-day": { type: "string", default: String(DEFAULT_VOLUME.filesPerDay) },
    "queries-per-day": { type: "string", default: String(DEFAULT_VOLUME.queriesPerDay) },
    "gb-scanned-per-query": { type: "string", default: String(DEFAULT_VOLUME.gbScannedPerQuery) },
    pipelines: { type: "string", default: String(DEFAULT_VOLUME.pipelines) },
    "redshift-hours-per-day": { type: "string", default: String(DEFAULT_VOLUME.redshiftHoursPerDay) },
    "pulls-per-day": { type: "string", default: String(DEFAULT_VOLUME.pullsPerDay) },
    "crawl-interval-minutes": { type: "string" },
    region: { type: "string" },
    stack: { type: "string", default: DEFAULT_STACK_JSON },
    converter: { type: "string", default: DEFAULT_CONVERTER_JSON },
    markdown: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

function number(name: keyof typeof values, min: number): number {
  const raw = values[name];
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value) || value < min) {
    console.error(`--${name} takes a number >= ${min}, got "${String(raw ?? "")}"`);
    process.exit(2);
  }
  return value;
}

const volume: Volume = {
  gbPerDay: number("gb-per-day", 0),
  filesPerDay: number("files-per-day", 1),
  queriesPerDay: number("queries-per-day", 0),
  gbScannedPerQuery: number("gb-scanned-per-query", 0),
  pipelines: number("pipelines", 1),
  redshiftHoursPerDay: number("redshift-hours-per-day", 0),
  pullsPerDay: number("pulls-per-day", 0),
};
const interval =
  values["crawl-interval-minutes"] === undefined ? undefined : number("crawl-interval-minutes", 1);

let inputs: ReturnType<typeof loadInputs>;
try {
  inputs = loadInputs({
    stackJson: values.stack,
    converterJson: values.converter,
    region: values.region,
    assumptions: interval === undefined ? {} : { crawlIntervalMinutes: interval },
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const { config, prices, provenance } = inputs;
const ours = estimate(volume, config, prices);
const seeds = estimateSeeds(volume, config, prices);
const comparison = compare(volume, config, prices);

if (values.json) {
  console.log(
    JSON.stringify(
      {
        volume,
        region: prices.region,
        pricesAsOf: prices.asOf,
        provenance,
        comparison,
        lines: [...ours, ...seeds],
      },
      null,
      2,
    ),
  );
  process.exit(0);
}

const style: TableStyle = values.markdown ? "markdown" : "text";
const out: string[] = [
  `Monthly cost estimate, ${prices.region}, on-demand list prices as of ${prices.asOf} (re-check them: prices change).`,
  `Volume: ${volume.gbPerDay} GB/day in ${volume.filesPerDay} files, ${volume.queriesPerDay} queries/day x ${volume.gbScannedPerQuery} GB scanned, ${volume.pipelines} pipelines, Redshift ${volume.redshiftHoursPerDay} h/day, ${volume.pullsPerDay} pulls/day. A month is 30 days.`,
  ...provenance.map((p) => `  ${p}`),
  "",
  "event-lake",
  costTable(ours, style),
  "",
  "seeds' design (a Glue crawler run and a Glue Spark job per dropped file)",
  costTable(seeds, style),
  "",
  comparisonTable(comparison, style),
  "",
  "Notes:",
  ...[...new Set([...costNotes(ours), ...costNotes(seeds)])].map((n) => `  - ${n}`),
  "Prices:",
  ...priceSources([...ours, ...seeds]).map((s) => `  - ${s}`),
  "Not modelled: free tiers, data transfer, Glue Data Catalog requests, QuickSight (per user, not per GB), Lambda INIT billing, S3 access-log storage.",
];
console.log(out.join("\n"));
