import { describe, expect, it } from "vitest";
import { loadPipeline } from "./pipelines.js";

// The real declaration files through the handlers' template import (unbundled here; handlers/build.test.ts runs
// the bundles, where esbuild's table of the files answers).
describe("loadPipeline (the handlers' declarations)", () => {
  it("loads a declared pipeline, checked, and answers undefined for any other name", async () => {
    // act / assess
    expect((await loadPipeline("orders"))?.partitionKeys).toEqual(["country"]);
    expect((await loadPipeline("orders"))?.source).toEqual({
      kind: "http",
      url: "https://shop.example.com/exports/orders.csv",
      schedule: "rate(1 hour)",
    });
    expect((await loadPipeline("clickstream"))?.format).toEqual({ type: "ndjson" });
    expect((await loadPipeline("airports"))?.schema[0]).toEqual({
      name: "iata",
      from: "IATA Code",
      type: "string",
      nullable: false,
    });
    expect(await loadPipeline("mystery")).toBeUndefined();
    expect(await loadPipeline("../orders")).toBeUndefined();
    expect(await loadPipeline("Orders")).toBeUndefined();
  });
});
