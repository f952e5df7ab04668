import { decode, encode } from "@jridgewell/sourcemap-codec";
import { describe, expect, it } from "vitest";
import { vendorPerFile } from "./source-map.js";

const SOURCES = [
  "../../../handlers/ingest/ingest.ts",
  "../../../node_modules/@smithy/core/a.js",
  "../../../node_modules/b/b.js",
];

function mapOf(lines: number[][][]): string {
  return JSON.stringify({
    version: 3,
    sources: SOURCES,
    names: ["ours", "vendorName", "alsoOurs"],
    mappings: encode(lines as never),
  });
}

describe("vendorPerFile", () => {
  it("keeps every segment of our sources, and of each run of one vendor file only the first, at line 1 column 1", () => {
    // prepare: line 0: ours, a.js x3, ours, a.js x2, b.js; line 1: a.js continues, then an unmapped segment, a.js again
    const map = mapOf([
      [
        [0, 0, 4, 2, 0],
        [10, 1, 7, 3],
        [20, 1, 7, 9, 1],
        [30, 1, 8, 0],
        [40, 0, 5, 0, 2],
        [50, 1, 9, 1],
        [60, 1, 9, 5],
        [70, 2, 3, 3],
      ],
      [[0, 1, 12, 0], [5, 1, 13, 0], [9], [12, 1, 14, 0]],
    ]);

    // act
    const out = JSON.parse(vendorPerFile(map)) as { sources: string[]; names: string[]; mappings: string };

    // assess: names renumbered (vendorName unused now); sources untouched
    expect(decode(out.mappings)).toEqual([
      [
        [0, 0, 4, 2, 0],
        [10, 1, 0, 0],
        [40, 0, 5, 0, 1],
        [50, 1, 0, 0],
        [70, 2, 0, 0],
      ],
      [[0, 1, 0, 0], [9], [12, 1, 0, 0]],
    ]);
    expect(out.names).toEqual(["ours", "alsoOurs"]);
    expect(out.sources).toEqual(SOURCES);
  });

  it("leaves a map with no vendor source as it was", () => {
    const map = JSON.stringify({
      version: 3,
      sources: [SOURCES[0]],
      names: ["x"],
      mappings: encode([
        [
          [0, 0, 1, 1, 0],
          [4, 0, 1, 5],
        ],
      ]),
    });

    expect(JSON.parse(vendorPerFile(map))).toEqual(JSON.parse(map));
  });
});
