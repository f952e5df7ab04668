import { describe, expect, it } from "vitest";
import { loadPipelines } from "../pipelines/index.js";
import { benchExtraPipelines } from "./bench.js";

describe("EVENT_LAKE_BENCH_EXTRA_PIPELINES (make bench only)", () => {
  it("is 0 when unset or empty, and a whole number up to 60 otherwise", () => {
    expect(benchExtraPipelines({})).toBe(0);
    expect(benchExtraPipelines({ EVENT_LAKE_BENCH_EXTRA_PIPELINES: "" })).toBe(0);
    expect(benchExtraPipelines({ EVENT_LAKE_BENCH_EXTRA_PIPELINES: "18" })).toBe(18);
    for (const bad of ["x", "-1", "2.5", "61"])
      expect(() => benchExtraPipelines({ EVENT_LAKE_BENCH_EXTRA_PIPELINES: bad }), bad).toThrow(
        `EVENT_LAKE_BENCH_EXTRA_PIPELINES: "${bad}" must be a whole number from 0 to 60 (unset it outside make bench)`,
      );
  });

  it("adds valid generated pipelines to the declared ones", async () => {
    const declared = (await loadPipelines()).map((p) => p.name);
    const names = (await loadPipelines(undefined, 3)).map((p) => p.name);
    expect(names).toEqual([...declared, "bench_01", "bench_02", "bench_03"].sort());
  });
});
