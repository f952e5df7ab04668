import { z } from "zod";

/**
 * One "Glue Crawler State Change" event as EventBridge delivers it to the orchestrator's queue (the SQS body is
 * the event itself). Glue sends the counters as strings; both strings and numbers are accepted.
 */
const count = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined ? 0 : Number(v)));

export const crawlerStateChange = z.object({
  id: z.string().min(1),
  source: z.literal("aws.glue"),
  "detail-type": z.literal("Glue Crawler State Change"),
  time: z.string().min(1),
  detail: z.object({
    crawlerName: z.string().min(1),
    state: z.enum(["Started", "Succeeded", "Failed"]),
    message: z.string().optional(),
    errorMessage: z.string().optional(),
    warningMessage: z.string().optional(),
    tablesCreated: count,
    tablesUpdated: count,
    tablesDeleted: count,
    partitionsCreated: count,
  }),
});
export type CrawlerStateChange = z.infer<typeof crawlerStateChange>;

/** Parses an SQS body; throws a message naming the first problem. */
export function parseCrawlerEvent(body: string): CrawlerStateChange {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error("body is not JSON");
  }
  const parsed = crawlerStateChange.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `not a crawler state change: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}
