import type { PipelineDeclaration } from "../core/pipeline.js";
import { definePipeline } from "../core/pipeline.js";

/**
 * Bench only (`EVENT_LAKE_BENCH_EXTRA_PIPELINES`): `count` push pipelines named `bench_01`, `bench_02`, … shaped like
 * the clickstream example, so `make bench` can measure a local lake with many pipelines without committing their
 * declarations. The stack and the local runner see them; the handler bundles do not (no file is ever fed to them).
 */
export function generatedPipelines(count: number): PipelineDeclaration[] {
  return Array.from({ length: count }, (_, i) =>
    definePipeline({
      name: `bench_${String(i + 1).padStart(2, "0")}`,
      description: `Generated for make bench (${i + 1} of ${count})`,
      source: { kind: "push" },
      format: { type: "ndjson" },
      schema: [
        { name: "event_id", type: "string", nullable: false },
        { name: "event_type", type: "string", nullable: false },
        { name: "duration_ms", type: "int" },
        { name: "occurred_at", type: "timestamp", nullable: false },
      ],
      partitionKeys: ["event_type"],
      transform: {
        sql: `SELECT event_type, CAST(occurred_at AS DATE) AS event_date, COUNT(*) AS events
FROM {{raw}}
GROUP BY event_type, CAST(occurred_at AS DATE)`,
      },
      dropRetentionDays: 14,
    }),
  );
}
