import { definePipeline } from "../../core/pipeline.js";

/**
 * Airports as a spreadsheet exports them: headers with spaces and capitals, read into the lake's snake_case columns
 * with `from`; no partition keys (one Parquet file per dropped file).
 */
export default definePipeline({
  name: "airports",
  description: "Airport reference data, pushed as a CSV export with spreadsheet headers",
  source: { kind: "push" },
  format: { type: "csv" },
  schema: [
    { name: "iata", from: "IATA Code", type: "string", nullable: false },
    { name: "airport_name", from: "Airport Name", type: "string", nullable: false },
    { name: "city", type: "string" },
    { name: "country", type: "string", nullable: false },
    { name: "elevation_ft", from: "Elevation (ft)", type: "int" },
    { name: "passengers", from: "Passengers 2025", type: "bigint" },
  ],
  partitionKeys: [],
  transform: {
    sql: `SELECT country, COUNT(*) AS airports, SUM(passengers) AS passengers, MAX(elevation_ft) AS highest_ft
FROM {{raw}}
GROUP BY country`,
  },
  dropRetentionDays: 30,
});
