import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";

/** A source map as esbuild writes it (version 3, no sections). */
interface SourceMapJson {
  readonly version: number;
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly mappings: string;
  readonly [key: string]: unknown;
}

const VENDOR = /(^|\/)node_modules\//;

/**
 * Maps vendor code per file, not per token: of each run of consecutive segments from one `node_modules` file on a
 * generated line, only the first stays, pointing at the file's line 1, column 1, without a name; names no segment
 * uses any more leave the list. A stack frame in the AWS SDK or Powertools then names its file
 * (`…/processPartialResponse.js:1:1`: the file, not the line); our own sources keep every segment, so their exact
 * line and column. `sources` is unchanged: it still lists every bundled file. Why: README.md in this folder.
 */
export function vendorPerFile(mapJson: string): string {
  const map = JSON.parse(mapJson) as SourceMapJson;
  const vendor = map.sources.map((s) => VENDOR.test(s));
  const lines = decode(map.mappings).map((line) => {
    const kept: SourceMapSegment[] = [];
    let previousSource: number | undefined;
    for (const segment of line) {
      const source = segment.length > 1 ? segment[1] : undefined;
      if (source === undefined || vendor[source] !== true) kept.push(segment);
      else if (source !== previousSource) kept.push([segment[0], source, 0, 0]);
      previousSource = source;
    }
    return kept;
  });
  // Names only vendor segments used go too (most of the list): the rest are renumbered in their order.
  const used = [
    ...new Set(lines.flatMap((line) => line.flatMap((s) => (s.length === 5 ? [s[4]] : [])))),
  ].sort((a, b) => a - b);
  const renumbered = new Map(used.map((old, i) => [old, i]));
  const mappings = lines.map((line) =>
    line.map(
      (s): SourceMapSegment => (s.length === 5 ? [s[0], s[1], s[2], s[3], renumbered.get(s[4]) ?? 0] : s),
    ),
  );
  return JSON.stringify({ ...map, names: used.map((i) => map.names[i]), mappings: encode(mappings) });
}
