import { describe, expect, it } from "vitest";
import { fixtureEvent } from "./fixtures.js";
import { parseIngestEvent } from "./schema.js";

describe("parseIngestEvent", () => {
  it("accepts the scheduler's event and a manual one", () => {
    // act / assess
    expect(parseIngestEvent(fixtureEvent("scheduler-event.json"))).toEqual({
      pipeline: "orders",
      scheduledTime: "2026-11-22T04:00:00Z",
    });
    expect(parseIngestEvent(fixtureEvent("manual-event.json"))).toEqual({ pipeline: "orders" });
  });

  it("names every bad field at once", () => {
    // act / assess
    expect(() => parseIngestEvent(fixtureEvent("invalid-event.json"))).toThrow(
      'invalid ingest event: pipeline must be a lower-case snake_case pipeline name, got "Orders/../x"; ' +
        'scheduledTime must be an ISO-8601 UTC instant, got "yesterday"; unknown field(s): url',
    );
    expect(() => parseIngestEvent("orders")).toThrow(
      'ingest event must be an object like {"pipeline":"orders"}, got "orders"',
    );
  });
});
