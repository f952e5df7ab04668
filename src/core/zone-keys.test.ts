import { describe, expect, it } from "vitest";
import { partitionPrefix, REASON_SUFFIX, UNKNOWN_PIPELINE_PREFIX } from "./zone-keys.js";

describe("zone keys", () => {
  it("put one pipeline's ingest date under one prefix, and name the quarantine's unknown prefix and sidecar", () => {
    expect(partitionPrefix("orders", "2026-11-21")).toBe("orders/ingest_date=2026-11-21/");
    expect(`${partitionPrefix(UNKNOWN_PIPELINE_PREFIX, "2026-11-21")}x-0123.csv${REASON_SUFFIX}`).toBe(
      "_unknown/ingest_date=2026-11-21/x-0123.csv.reason.json",
    );
  });
});
