import { definePipeline } from "../../core/pipeline.js";

/** Web clickstream events pushed by the site's collector as newline-delimited JSON. */
export default definePipeline({
  name: "clickstream",
  description: "Page views and clicks from the web collector, pushed as NDJSON files",
  source: { kind: "push" },
  format: { type: "ndjson" },
  schema: [
    { name: "event_id", type: "string", nullable: false },
    { name: "session_id", type: "string", nullable: false },
    { name: "event_type", type: "string", nullable: false },
    { name: "page", type: "string", nullable: false },
    { name: "duration_ms", type: "int" },
    { name: "occurred_at", type: "timestamp", nullable: false },
  ],
  partitionKeys: ["event_type"],
  transform: {
    sql: `SELECT page, event_type, CAST(occurred_at AS DATE) AS event_date,
       COUNT(*) AS events, COUNT(DISTINCT session_id) AS sessions, AVG(duration_ms) AS avg_duration_ms
FROM {{raw}}
GROUP BY page, event_type, CAST(occurred_at AS DATE)`,
  },
  dropRetentionDays: 14,
});
