import { LINES_WASM_BASE64 } from "./lines.bytes.js";

/**
 * The WebAssembly numbering loop of lines.wat, for Writer.lines (../numbered.ts): every line of quote-free text as
 * `<line><sep><text>\n`, a trailing CR dropped, an empty line no record. The JavaScript loop makes two native calls
 * per record (indexOf, copyWithin), this one none: at 4M rows, in cold processes alternating with the JavaScript
 * loop, the pre-pass took 409-512 ms instead of 665-870 on a quiet host, 503-605 instead of 748-963 on a busy one.
 *
 * The input is copied into the module's memory a slice at a time and each slice's output is handed back as a view
 * of that memory (valid until the next call). Memory: about 11 times the longest slice, 11 MiB for the default 1 MiB
 * slices, most of it the room the output may need and never touched.
 */

/** Memory layout (lines.wat): the line number's digits below 64, then the input, a gap, the output. */
const INPUT = 64;
const GAP = 64;
/** Output room per input byte (19 bytes for `a\n` at a 16-digit line number), plus 64. */
const OUTPUT_PER_BYTE = 10;
const PAGE = 65536;

/** What {@link WasmLines.number} did. */
export interface Numbered {
  /** The offset of `source` after the last line feed numbered (the start when none was). */
  readonly end: number;
  readonly lines: number;
  readonly records: number;
}

/** The part of the WebAssembly API used here (Node's types leave it out without the DOM library). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly number: (
    input: number,
    inputEnd: number,
    output: number,
    line: number,
    separator: number,
  ) => number;
  readonly end: { readonly value: number };
  readonly lines: { readonly value: number };
  readonly records: { readonly value: number };
}

let shared: WasmLines | null | undefined;

export class WasmLines {
  private constructor(
    private readonly exports: Exports,
    /** Input bytes per call. */
    private readonly slice: number,
    /** A slice without a line feed is doubled up to this; a longer line is left to the caller. */
    private readonly maxSlice: number,
  ) {}

  /** A new instance of the module, or undefined where WebAssembly is not available (`node --jitless`). */
  static create(slice = 1 << 20, maxSlice = 8 << 20): WasmLines | undefined {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (api === undefined) return undefined;
    // A module that does not compile is a bug to see, not a reason to fall back quietly.
    const module = new api.Module(Buffer.from(LINES_WASM_BASE64, "base64"));
    return new WasmLines(new api.Instance(module, {}).exports as Exports, slice, maxSlice);
  }

  /** The process's instance, made on first use (undefined without WebAssembly). */
  static shared(): WasmLines | undefined {
    if (shared === undefined) shared = WasmLines.create() ?? null;
    return shared ?? undefined;
  }

  /**
   * Numbers the lines of `source` from `start` up to its last line feed, the first one `line`, passing the output to
   * `write` in pieces (each a view of the module's memory, valid only during the call). Stops early, at a line
   * feed, only before a line longer than the largest slice: the caller numbers the rest.
   */
  number(
    source: Uint8Array,
    start: number,
    line: number,
    separator: number,
    write: (output: Uint8Array) => void,
  ): Numbered {
    const { memory, number, end, lines, records } = this.exports;
    let pos = start;
    let numberedLines = 0;
    let numberedRecords = 0;
    let size = this.slice;
    while (pos < source.length) {
      const stop = Math.min(source.length, pos + size);
      const length = stop - pos;
      const output = INPUT + length + GAP;
      const needed = output + length * OUTPUT_PER_BYTE + 64;
      if (memory.buffer.byteLength < needed)
        memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
      const bytes = new Uint8Array(memory.buffer);
      bytes.set(source.subarray(pos, stop), INPUT);
      const outputEnd = number(INPUT, INPUT + length, output, line + numberedLines, separator);
      const consumed = end.value - INPUT;
      if (consumed === 0) {
        // No line feed in the slice: the rest of `source` is one line's start, or a line longer than the slice.
        if (stop === source.length || size >= this.maxSlice) break;
        size *= 2;
        continue;
      }
      write(bytes.subarray(output, outputEnd));
      numberedLines += lines.value;
      numberedRecords += records.value;
      pos += consumed;
      size = this.slice;
    }
    return { end: pos, lines: numberedLines, records: numberedRecords };
  }
}
