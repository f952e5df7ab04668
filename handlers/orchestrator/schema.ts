import { isObject, Problems } from "./validate.js";

/**
 * One "Glue Crawler State Change" event as EventBridge delivers it to the orchestrator's queue (the SQS body is
 * the event itself). Glue sends the counters as strings; both strings and numbers are accepted.
 */
export interface CrawlerStateChange {
  readonly id: string;
  readonly source: "aws.glue";
  readonly "detail-type": "Glue Crawler State Change";
  readonly time: string;
  readonly detail: {
    readonly crawlerName: string;
    readonly state: "Started" | "Succeeded" | "Failed";
    readonly message?: string | undefined;
    readonly errorMessage?: string | undefined;
    readonly warningMessage?: string | undefined;
    readonly tablesCreated: number;
    readonly tablesUpdated: number;
    readonly tablesDeleted: number;
    readonly partitionsCreated: number;
  };
}

const STATES = ["Started", "Succeeded", "Failed"] as const;

/** A counter: absent is 0; a whole number, or its string. */
function count(field: string, value: unknown, problems: Problems): number {
  if (value === undefined) return 0;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0) return n;
  problems.add(field, `must be a whole number, got ${JSON.stringify(value)}`);
  return 0;
}

/** Parses an SQS body; throws a message naming every problem (`not a crawler state change: detail.state: ...`). */
export function parseCrawlerEvent(body: string): CrawlerStateChange {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error("body is not JSON");
  }
  const problems = new Problems();
  if (!isObject(json)) throw new Error("not a crawler state change: the body is not an object");
  const d = isObject(json.detail) ? json.detail : {};
  if (!isObject(json.detail)) problems.add("detail", "must be an object");
  const event: CrawlerStateChange = {
    id: problems.text("id", json.id),
    source: problems.oneOf("source", json.source, ["aws.glue"]),
    "detail-type": problems.oneOf("detail-type", json["detail-type"], ["Glue Crawler State Change"]),
    time: problems.text("time", json.time),
    detail: {
      crawlerName: problems.text("detail.crawlerName", d.crawlerName),
      state: problems.oneOf("detail.state", d.state, STATES),
      message: problems.optionalText("detail.message", d.message),
      errorMessage: problems.optionalText("detail.errorMessage", d.errorMessage),
      warningMessage: problems.optionalText("detail.warningMessage", d.warningMessage),
      tablesCreated: count("detail.tablesCreated", d.tablesCreated, problems),
      tablesUpdated: count("detail.tablesUpdated", d.tablesUpdated, problems),
      tablesDeleted: count("detail.tablesDeleted", d.tablesDeleted, problems),
      partitionsCreated: count("detail.partitionsCreated", d.partitionsCreated, problems),
    },
  };
  problems.throwIfAny("not a crawler state change");
  return event;
}
