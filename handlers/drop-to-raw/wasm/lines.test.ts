import type { FileHandle } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Writer } from "../numbered.js";
import { assemble, BYTES_PATH, bytesModule } from "./assemble.js";
import { WasmLines } from "./lines.js";

/** A FileHandle that keeps what is written, by position, as the pre-pass's positional writes put it in the file. */
function memoryFile(): { file: FileHandle; bytes: () => Buffer } {
  let store = Buffer.alloc(1 << 16);
  let size = 0;
  const write = async (buffer: Buffer, offset: number, length: number, position: number) => {
    while (store.length < position + length) store = Buffer.concat([store, Buffer.alloc(store.length)]);
    buffer.copy(store, position, offset, offset + length);
    size = Math.max(size, position + length);
    return { bytesWritten: length, buffer };
  };
  return { file: { write } as unknown as FileHandle, bytes: () => store.subarray(0, size) };
}

interface Run {
  readonly output: Buffer;
  /** Per chunk: [end, lines, records]. */
  readonly scanned: [number, number, number][];
}

/** Numbers each chunk's lines from `starts[i]` on, the first line `line`, with the writer's fast path. */
async function run(
  chunks: readonly Buffer[],
  starts: readonly number[],
  line: number,
  wasm?: WasmLines,
): Promise<Run> {
  const { file, bytes } = memoryFile();
  const writer = new Writer(file, wasm);
  const scanned: [number, number, number][] = [];
  for (const [i, chunk] of chunks.entries()) {
    const staged = writer.stage(chunk);
    const { end, lines, records } = writer.lines(staged, starts[i] ?? 0, line, 44);
    scanned.push([end, lines, records]);
    line += lines;
    await writer.flush();
  }
  await writer.close();
  return { output: Buffer.from(bytes()), scanned };
}

/** Deterministic pseudo-random numbers (a linear congruential generator), for inputs that repeat run to run. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

/** Text the fast path sees: no quotes, lines of 0 to 40 bytes and now and then thousands, CRs alone and before LFs. */
function text(next: (n: number) => number, bytes: number): Buffer {
  const alphabet = ["a", "b", ",", "é", "7", "\r", " "];
  let out = "";
  while (Buffer.byteLength(out) < bytes) {
    const length = next(20) === 0 ? 500 + next(3000) : next(41);
    for (let i = 0; i < length; i++) out += alphabet[next(alphabet.length)];
    out += next(4) === 0 ? "\r\n" : "\n";
  }
  return Buffer.from(out);
}

const FIRST_LINES = [1, 9, 99, 999_999, 2 ** 31 - 3, 2 ** 32 + 7, 99_999_999, 999_999_999_999_990];

describe("lines.wat", () => {
  it("is what lines.bytes.ts holds (make wasm after editing it)", async () => {
    // act
    const bytes = await assemble();

    // assess
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(BYTES_PATH, "utf8")).toBe(bytesModule(bytes));
  });
});

describe("WasmLines in Writer.lines", () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([1, 16, 100, 1 << 20])(
    "writes exactly what the JavaScript loop writes (random text, slices of %i bytes)",
    async (slice) => {
      for (const [i, first] of FIRST_LINES.entries()) {
        // prepare: chunks of random text, each numbered from a random offset
        const next = random(1000 + i);
        const chunks = Array.from({ length: 6 }, () => text(next, 200 + next(20_000)));
        const starts = chunks.map((c) => next(Math.min(c.length, 50)));
        const wasm = WasmLines.create(slice, 4 * slice);

        // act
        const js = await run(chunks, starts, first, undefined);
        const fast = await run(chunks, starts, first, wasm);

        // assess
        expect(wasm).toBeDefined();
        expect(fast.scanned).toEqual(js.scanned);
        expect(fast.output.equals(js.output), `first line ${first}`).toBe(true);
      }
    },
  );

  it("numbers every line of a known text: CRLF, CR inside a line, blank lines, digits rolling over", async () => {
    // prepare
    const chunk = Buffer.from("a\r\n\r\n\nb\rc\n12345678901234567890123\nlast, no line feed");

    // act
    const { output, scanned } = await run([chunk], [0], 98, WasmLines.create());

    // assess: lines 98-102 end with a line feed; 99 and 100 are blank; the text after the last one is left
    expect(output.toString()).toBe("98,a\n101,b\rc\n102,12345678901234567890123\n");
    expect(scanned).toEqual([[chunk.indexOf("last"), 5, 3]]);
  });

  it("has room for the densest output: one-byte lines at 16-digit line numbers", async () => {
    // prepare: 19 bytes out for every 2 in
    const chunk = Buffer.from("a\n".repeat(100_000));

    // act
    const js = await run([chunk], [0], 2 ** 53 - 200_000, undefined);
    const fast = await run([chunk], [0], 2 ** 53 - 200_000, WasmLines.create());

    // assess
    expect(fast.output.length).toBe(100_000 * 19);
    expect(fast.output.equals(js.output)).toBe(true);
  });

  it("leaves a line longer than its largest slice to the JavaScript loop, which numbers the rest", async () => {
    // prepare: a 300-byte line between short ones, slices of at most 64 bytes
    const chunk = Buffer.from(`a\nb\n${"x".repeat(300)}\nc\nd`);
    const wasm = WasmLines.create(16, 64);
    const write = vi.fn();

    // act
    const partial = wasm?.number(chunk, 0, 1, 44, write);
    const whole = await run([chunk], [0], 1, wasm);

    // assess: the module stopped before the long line; the writer's output has every line anyway
    expect(partial).toEqual({ end: 4, lines: 2, records: 2 });
    expect(whole.output.toString()).toBe(`1,a\n2,b\n3,${"x".repeat(300)}\n4,c\n`);
    expect(whole.scanned).toEqual([[chunk.length - 1, 4, 4]]);
  });

  it("is absent without WebAssembly (node --jitless), and the writer numbers in JavaScript", async () => {
    // prepare
    vi.stubGlobal("WebAssembly", undefined);

    // act
    const wasm = WasmLines.create();
    const { output } = await run([Buffer.from("x\ny\n")], [0], 1, wasm);

    // assess
    expect(wasm).toBeUndefined();
    expect(output.toString()).toBe("1,x\n2,y\n");
  });
});
