import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCrawlerEvent } from "./schema.js";

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8");

describe("parseCrawlerEvent", () => {
  it("reads a crawler state change as EventBridge delivers it, counters from strings", () => {
    expect(parseCrawlerEvent(fixture("raw-succeeded"))).toEqual({
      id: "0f0e0d0c-raw-succeeded",
      source: "aws.glue",
      "detail-type": "Glue Crawler State Change",
      time: "2026-11-22T03:01:41Z",
      detail: {
        crawlerName: "event-lake-local-crawl-raw",
        state: "Succeeded",
        message: "Crawler Succeeded",
        errorMessage: undefined,
        warningMessage: "N/A",
        tablesCreated: 0,
        tablesUpdated: 0,
        tablesDeleted: 0,
        partitionsCreated: 2,
      },
    });
  });

  it("counts absent counters as 0 and accepts numbers", () => {
    const event = JSON.parse(fixture("drop-failed")) as { detail: Record<string, unknown> };
    delete event.detail.tablesCreated;
    event.detail.tablesUpdated = 3;
    const parsed = parseCrawlerEvent(JSON.stringify(event));
    expect([parsed.detail.state, parsed.detail.tablesCreated, parsed.detail.tablesUpdated]).toEqual([
      "Failed",
      0,
      3,
    ]);
  });

  it("names every problem of a body that is not a crawler state change", () => {
    expect(() => parseCrawlerEvent("{")).toThrow("body is not JSON");
    expect(() => parseCrawlerEvent("[]")).toThrow("not a crawler state change: the body is not an object");
    expect(() =>
      parseCrawlerEvent(
        JSON.stringify({
          id: "x",
          source: "aws.s3",
          "detail-type": "Glue Crawler State Change",
          time: "t",
          detail: { crawlerName: "c", state: "Stopped", tablesCreated: "two" },
        }),
      ),
    ).toThrow(
      'not a crawler state change: source: must be one of aws.glue, got "aws.s3"; detail.state: must be one of Started, Succeeded, Failed, got "Stopped"; detail.tablesCreated: must be a whole number, got "two"',
    );
  });
});
