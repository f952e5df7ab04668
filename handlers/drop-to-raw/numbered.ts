import { type FileHandle, open } from "node:fs/promises";
import type { Layout } from "./prepare.js";
import { csvRecordEnd, lineEnd } from "./scanners.js";
import { type Numbered, WasmLines } from "./wasm/lines.js";

/**
 * The numbered file the pre-pass writes (see prepare.ts): `<line><sep><record>\n` per record. The {@link Writer}
 * builds it, {@link PreparedRecords} reads records back by line.
 */

const LF = 10;

/**
 * Builds the numbered output of one input chunk synchronously and writes it while the next chunk is scanned. Each of
 * its two arenas holds a copy of the input chunk followed by that chunk's output, so a record is moved with
 * `copyWithin` inside one buffer (a builtin memmove, about 3x cheaper per record than `Buffer.copy`, which allocates).
 * Writes are positional, so the write of one arena may still be running while the other is filled. Memory: two
 * arenas of about 2.5 input chunks each.
 */
export class Writer {
  private readonly arenas: [Buffer, Buffer] = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
  /** The write of each arena's last output (always settled or awaited: never an unhandled rejection). */
  private readonly writes: [Promise<void>, Promise<void>] = [Promise.resolve(), Promise.resolve()];
  private current = 0;
  private arena: Buffer = this.arenas[0];
  /** The staged input chunk while it is in the current arena (at offset 0). */
  private staged: Buffer | undefined;
  /** Where the output starts in the arena: after the staged input chunk. */
  private outStart = 0;
  /** End of the output in the arena. */
  private used = 0;
  /** Bytes handed to the file so far. */
  private flushed = 0;

  /**
   * @param wasm the WebAssembly numbering loop {@link lines} uses, by default the process's; `undefined` (no
   *   WebAssembly, or a test) numbers in JavaScript, the same bytes.
   */
  constructor(
    private readonly file: FileHandle,
    private readonly wasm: WasmLines | undefined = WasmLines.shared(),
  ) {}

  /**
   * Copies an input chunk into the current arena and returns that copy, for the scanner to read (and, for JSON, to
   * rewrite in place). Call it before any record of the chunk, after a flush.
   */
  stage(chunk: Buffer): Buffer {
    if (this.used !== this.outStart) throw new Error("Writer.stage: the previous chunk was not flushed");
    const size = chunk.length * 2 + (1 << 16);
    if (this.arena.length < size) this.replaceArena(Buffer.allocUnsafe(size));
    chunk.copy(this.arena, 0);
    this.outStart = this.used = chunk.length;
    this.staged = this.arena.subarray(0, chunk.length);
    return this.staged;
  }

  private replaceArena(arena: Buffer): void {
    // The scanner goes on reading (and, for a JSON array, rewriting) its view of the old arena: copy from that view.
    this.staged = undefined;
    this.arena = arena;
    this.arenas[this.current] = arena;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.arena.length) return;
    let size = this.arena.length * 2;
    while (this.used + n > size) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.arena.copy(bigger, 0, 0, this.used);
    this.replaceArena(bigger);
  }

  /**
   * Appends `<line><sep><record>\n`: the record moved inside the arena when it comes from the staged chunk (it does,
   * unless it spanned chunks). Quote-free text takes {@link lines} instead, the hot loop of the whole pre-pass.
   */
  record(line: number, separator: number, source: Buffer, start: number, end: number): void {
    this.reserve(end - start + 32);
    // Identity, not `.buffer`: that getter alone costs more than the copy.
    this.used = putRecord(this.arena, this.used, line, separator, source, start, end, source === this.staged);
  }

  /**
   * The fast path for text with no quote in it: appends every line of `source` from `start` up to its last line feed
   * as a record, exactly as {@link record} would (a trailing CR is not part of the record; a line empty without it is
   * no record), the first numbered `line`. Returns the offset after the last line feed, the lines consumed, the
   * records written. The WebAssembly loop (wasm/lines.wat) numbers what it can, which is everything
   * but a line longer than 8 MiB; JavaScript numbers the rest, or all of it without WebAssembly.
   */
  lines(source: Buffer, start: number, line: number, separator: number): Numbered {
    let lines = 0;
    let records = 0;
    let pos = start;
    if (this.wasm) {
      const done = this.wasm.number(source, start, line, separator, (output) => this.append(output));
      ({ lines, records } = done);
      pos = done.end;
    }
    let buffer = this.arena;
    let used = this.used;
    let inPlace = source === this.staged;
    for (let lf = source.indexOf(LF, pos); lf !== -1; lf = source.indexOf(LF, pos)) {
      const end = lineEnd(source, pos, lf);
      const length = end - pos;
      if (length > 0) {
        if (used + length + 32 > buffer.length) {
          this.used = used;
          this.reserve(length + 32);
          buffer = this.arena;
          inPlace = source === this.staged;
        }
        used = putRecord(buffer, used, line + lines, separator, source, pos, end, inPlace);
        records++;
      }
      lines++;
      pos = lf + 1;
    }
    this.used = used;
    return { end: pos, lines, records };
  }

  /** Appends bytes already numbered. */
  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.arena.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Starts writing this arena's output and switches to the other one once its own write has finished. */
  async flush(): Promise<void> {
    const index = this.current;
    const write = this.write(this.arena, this.outStart, this.used, this.flushed);
    write.catch(() => undefined); // awaited below or by the next flush/close; this only marks it handled
    this.writes[index] = write;
    this.flushed += this.used - this.outStart;
    this.current = 1 - index;
    this.arena = this.arenas[this.current] as Buffer;
    this.staged = undefined;
    this.outStart = this.used = 0;
    await this.writes[this.current];
  }

  /** Flushes and waits for every write. */
  async close(): Promise<void> {
    await this.flush();
    await this.writes[1 - this.current];
  }

  /** Waits for the writes in flight, ignoring their errors (the caller is already failing). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.writes);
  }

  private async write(buffer: Buffer, start: number, end: number, position: number): Promise<void> {
    let at = start;
    while (at < end) {
      const { bytesWritten } = await this.file.write(buffer, at, end - at, position + at - start);
      at += bytesWritten;
    }
  }
}

/**
 * Writes `<line><sep><record>\n` at `at` of `buffer`; returns the position after it. `inPlace`: `source` is `buffer`
 * itself (the staged chunk), so the record moves with `copyWithin`, a builtin memmove about 3x cheaper per record
 * than `Buffer.copy`, which allocates.
 */
function putRecord(
  buffer: Buffer,
  at: number,
  line: number,
  separator: number,
  source: Buffer,
  start: number,
  end: number,
  inPlace: boolean,
): number {
  let next = writeDigits(buffer, at, line);
  buffer[next++] = separator;
  if (inPlace) buffer.copyWithin(next, start, end);
  else source.copy(buffer, next, start, end);
  next += end - start;
  buffer[next++] = LF;
  return next;
}

/** "00" to "99" as ASCII byte pairs. */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10),
);

/** Decimal digits of a non-negative int32. */
function digitCount(v: number): number {
  if (v < 100_000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
  if (v < 10_000_000) return v < 1_000_000 ? 6 : 7;
  return v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
}

/**
 * Writes `value` (a non-negative integer below 2^53) in decimal at `at`; returns the position after it. Values below
 * 2^31 (every line, length and, below 2 GiB, offset) take the int32 path, two digits per division.
 */
export function writeDigits(buffer: Buffer, at: number, value: number): number {
  if (value > 0x7fffffff) return writeLargeDigits(buffer, at, value);
  const end = at + digitCount(value);
  let i = end;
  let v = value | 0;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const pair = (v - q * 100) << 1;
    buffer[--i] = DIGIT_PAIRS[pair + 1] as number;
    buffer[--i] = DIGIT_PAIRS[pair] as number;
    v = q;
  }
  if (v >= 10) {
    buffer[--i] = DIGIT_PAIRS[(v << 1) + 1] as number;
    buffer[--i] = DIGIT_PAIRS[v << 1] as number;
  } else buffer[--i] = 48 + v;
  return end;
}

function writeLargeDigits(buffer: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let limit = 10; value >= limit && digits < 16; limit *= 10) digits++;
  let v = value;
  for (let i = at + digits - 1; i >= at; i--) {
    const q = Math.floor(v / 10);
    buffer[i] = 48 + (v - q * 10);
    v = q;
  }
  return at + digits;
}

/**
 * Reads records of a prepared file back by line: it walks the file forward from record to record through a 1 MiB
 * window, finding each record's end the way the pre-pass did (csv: the first line feed outside a quoted field;
 * lines: the next line feed), so a line break inside a quoted field never passes for a record's end. Lines must be
 * asked for in non-decreasing order (the quarantine is sorted by line); memory is the window plus the longest record
 * asked for.
 */
export class PreparedRecords {
  private window = Buffer.allocUnsafe(1 << 20);
  /** File offset of `window[0]`, and how many bytes of the window are valid. */
  private windowStart = 0;
  private windowLength = 0;
  /** File offset of the record the walk stands on. */
  private position = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly size: number,
    private readonly layout: Layout,
    private readonly separator: number,
  ) {}

  static async open(path: string, layout: Layout, separator: string): Promise<PreparedRecords> {
    const file = await open(path, "r");
    try {
      return new PreparedRecords(file, (await file.stat()).size, layout, separator.charCodeAt(0));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** The exact text of the record numbered `line`, or undefined when no record has that line. */
  async text(line: number): Promise<string | undefined> {
    while (this.position < this.size) {
      const prefix = await this.prefixAt(this.position);
      if (prefix.line > line) return undefined;
      const start = this.position + prefix.length;
      const end = await this.recordEnd(start);
      if (prefix.line === line) {
        await this.load(start, end - start);
        const at = start - this.windowStart;
        return this.window.toString("utf8", at, at + end - start);
      }
      this.position = end + 1;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /** Parses `<line><sep>` at `offset`. */
  private async prefixAt(offset: number): Promise<{ line: number; length: number }> {
    await this.load(offset, Math.min(24, this.size - offset));
    let at = offset - this.windowStart;
    let line = 0;
    const first = at;
    for (let b = this.window[at] as number; b >= 48 && b <= 57; b = this.window[++at] as number)
      line = line * 10 + (b - 48);
    if (at === first || at >= this.windowLength || this.window[at] !== this.separator)
      throw new Error(`prepared file: no record prefix at offset ${offset}`);
    return { line, length: at + 1 - first };
  }

  /**
   * The file offset of the line feed that ends the record starting at `start`. Every record is followed by one, so
   * only the last record of the file, when its quoted field never closed, runs to the end: its end is the last byte.
   */
  private async recordEnd(start: number): Promise<number> {
    let length = 1; // first, whatever the window already holds past `start`
    for (;;) {
      await this.load(start, length);
      const at = start - this.windowStart;
      const end =
        this.layout === "csv"
          ? csvRecordEnd(this.window, at, this.windowLength, this.separator)
          : this.window.indexOf(LF, at);
      if (end !== -1 && end < this.windowLength) return this.windowStart + end;
      const seen = this.windowStart + this.windowLength - start;
      if (start + seen >= this.size) return this.size - 1;
      length = Math.min(seen * 2, this.size - start);
    }
  }

  /** Makes `[offset, offset + length)` of the file readable in the window. */
  private async load(offset: number, length: number): Promise<void> {
    if (offset >= this.windowStart && offset + length <= this.windowStart + this.windowLength) return;
    if (length > this.window.length) this.window = Buffer.allocUnsafe(length);
    const wanted = Math.min(this.window.length, this.size - offset);
    let read = 0;
    while (read < wanted) {
      const { bytesRead } = await this.file.read(this.window, read, wanted - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    this.windowStart = offset;
    this.windowLength = read;
    if (read < length)
      throw new Error(`prepared file: ${length} bytes wanted at offset ${offset}, ${read} there`);
  }
}
