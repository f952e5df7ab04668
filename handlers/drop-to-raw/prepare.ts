import { isUtf8 } from "node:buffer";
import { type FileHandle, open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import type { PipelineFormat } from "../../src/pipelines/types.js";
import type { ByteSink } from "./fifo.js";

/**
 * The streaming first pass over a dropped file. It decompresses, checks that the file is text in the declared
 * format, and writes every record to a local file as one line behind a numbering prefix
 *
 *     <line><sep><length><sep><record>\n
 *
 * so that DuckDB, which has no notion of source line numbers, reads them as ordinary columns. `<length>` is the
 * record's byte length: with it {@link PreparedRecords} walks the file record by record (a line break inside a quoted
 * field cannot mislead it) and gives back the exact original text of any row that ends up in quarantine. The prefix
 * is kept short because DuckDB parses it on every row. Memory is bounded by a few input chunks (see {@link Writer})
 * plus the longest record.
 *
 * - csv: records are RFC 4180 records (a quoted field may span lines; `<line>` is where the record starts);
 *   `<sep>` is the declared delimiter, so the prefix is two more CSV fields. The header, when declared, is parsed
 *   here and not written.
 * - ndjson: one record per non-blank line; `<sep>` is U+001F, which valid JSON text cannot contain raw.
 * - json: the top-level array is split into its elements (`<line>` is the 1-based element index); line breaks
 *   between tokens become spaces, so each element is one line; `<sep>` is U+001F.
 */

export type Layout = "csv" | "lines";

/** Separator of the `lines` layout; a raw U+001F is never part of valid JSON text. */
export const UNIT_SEPARATOR = "\x1f";

export interface PreparedInput {
  /** The numbered file DuckDB reads. */
  readonly path: string;
  readonly layout: Layout;
  /** The separator between prefix fields (and, for csv, between fields). */
  readonly separator: string;
  /** Field names of the CSV header, trimmed, in file order; undefined when the file has no header. */
  readonly header: readonly string[] | undefined;
  /** Data records written: the rows that must each end up in the raw zone or in quarantine. */
  readonly rows: number;
  /** Bytes read from the source (compressed, if it was). */
  readonly bytesIn: number;
  /** Bytes after decompression. */
  readonly bytesDecoded: number;
  readonly gzip: boolean;
}

/** The file as a whole cannot be read as declared; it is quarantined whole with `reason`. */
export class UnreadableFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UnreadableFileError";
  }
}

export interface PrepareOptions {
  readonly format: PipelineFormat;
  /** The object key (or file name): a `.gz` suffix means the content must be gzip. */
  readonly key: string;
  /** Where to write the numbered file. */
  readonly outPath: string;
  /** A record longer than this makes the whole file unreadable (an unbalanced quote usually). @default 2 MiB */
  readonly maxRecordBytes?: number;
  /**
   * A file that decodes (gunzips) to more than this is rejected whole: it would fill /tmp, which holds the numbered
   * copy and the Parquet written from it. Memory is bounded either way; disk is what this bounds. @default 1 GiB
   */
  readonly maxDecodedBytes?: number;
  /**
   * Called once, before the first record is written (for a CSV with a header, once the header is read): a sink
   * returned here receives the numbered output too, as it is written, so its reader can work while the file is still
   * being read. The file at `outPath` is written either way. Its errors fail the pre-pass; the sink is closed at the
   * end, and destroyed when the pre-pass fails.
   */
  readonly start?: (layout: {
    readonly layout: Layout;
    readonly separator: string;
    readonly header: readonly string[] | undefined;
  }) => Promise<ByteSink | undefined>;
}

export const DEFAULT_MAX_RECORD_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_DECODED_BYTES = 1024 * 1024 * 1024;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const US = 0x1f;

/** Reads `source` to the end and writes the numbered file; throws {@link UnreadableFileError} for a bad file. */
export async function prepareInput(
  source: AsyncIterable<Uint8Array>,
  options: PrepareOptions,
): Promise<PreparedInput> {
  const { format } = options;
  const declaredGzip = format.compression === "gzip" || /\.gz$/i.test(options.key);
  const layout: Layout = format.type === "csv" ? "csv" : "lines";
  const separator = format.type === "csv" ? (format.delimiter ?? ",") : UNIT_SEPARATOR;
  const out = await open(options.outPath, "w");
  const writer = new Writer(out);
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const maxDecodedBytes = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  const scanner: Scanner =
    format.type === "csv"
      ? new CsvScanner(writer, separator, format.header ?? true, maxRecordBytes)
      : format.type === "ndjson"
        ? new LineScanner(writer, maxRecordBytes)
        : new JsonArrayScanner(writer, maxRecordBytes);
  let bytesIn = 0;
  let bytesDecoded = 0;
  let gzip = false;
  const utf8 = new Utf8Check();
  const headerFirst = format.type === "csv" && (format.header ?? true);
  let started = options.start === undefined;
  const start = async () => {
    started = true;
    const sink = await options.start?.({ layout, separator, header: scanner.header });
    if (sink) writer.attach(sink);
  };
  let failed = true;
  try {
    const counted = (async function* () {
      for await (const chunk of source) {
        bytesIn += chunk.length;
        yield chunk;
      }
    })();
    const { head, rest } = await peek(counted, 2);
    gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    if (declaredGzip && !gzip)
      throw new UnreadableFileError(
        head.length === 0
          ? "empty file"
          : "not gzip: the key ends in .gz or the pipeline declares gzip, but the content has no gzip header",
      );
    const decoded = gzip ? gunzip(rest) : rest;
    let first = true;
    for await (const raw of decoded) {
      let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length);
      if (first && chunk.length > 0) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3); // UTF-8 BOM
      }
      const nul = chunk.indexOf(0);
      if (nul !== -1)
        throw new UnreadableFileError(
          `binary content: NUL byte at decoded offset ${bytesDecoded + nul}; not a text ${format.type} file`,
        );
      utf8.check(chunk);
      bytesDecoded += chunk.length;
      if (bytesDecoded > maxDecodedBytes)
        throw new UnreadableFileError(
          `decoded size over the ${maxDecodedBytes}-byte limit after ${bytesIn} compressed bytes${gzip ? " (a gzip bomb, or a file to split)" : ""}`,
        );
      scanner.push(writer.stage(chunk));
      // No record is written before the header: the sink gets them all.
      if (!started && (!headerFirst || scanner.header !== undefined)) await start();
      await writer.flush();
    }
    if (bytesDecoded === 0) throw new UnreadableFileError("empty file");
    utf8.end();
    scanner.end();
    if (!scanner.sawContent) throw new UnreadableFileError("empty file: no records, only blank lines");
    if (!started) await start();
    await writer.close();
    failed = false;
  } finally {
    await writer.settle(failed);
    await out.close();
  }
  return {
    path: options.outPath,
    layout,
    separator,
    header: scanner.header,
    rows: scanner.rows,
    bytesIn,
    bytesDecoded,
    gzip,
  };
}

/** Reads at least `n` bytes (or to the end) without losing them: `rest` replays them first. */
async function peek(
  source: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(taken);
  async function* rest(): AsyncIterable<Uint8Array> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, rest: rest() };
}

async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
  const inflate = createGunzip();
  // Waits for room in the inflater, or for its end: a consumer that stopped early (a rejected file) destroys it, and
  // a feeder waiting for 'drain' on a destroyed stream would wait forever.
  const room = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        inflate.off("drain", done);
        inflate.off("close", done);
        resolve();
      };
      inflate.once("drain", done);
      inflate.once("close", done);
    });
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (inflate.destroyed) return;
        if (!inflate.write(chunk)) await room();
      }
      if (!inflate.destroyed) inflate.end();
    } catch (error) {
      inflate.destroy(error as Error);
    }
  })();
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code.startsWith("Z_") || /unexpected end of file|incorrect header/i.test((error as Error).message))
      throw new UnreadableFileError(`corrupt gzip: ${(error as Error).message}`);
    throw error;
  } finally {
    // Left early (the file was rejected mid-stream): stop inflating and let the feeder stop reading the body.
    if (!inflate.readableEnded) inflate.destroy();
    await feeding;
  }
}

/**
 * Checks that the decoded stream is UTF-8, chunk by chunk (a sequence split between chunks is completed from the next
 * one). DuckDB's CSV reader passes invalid UTF-8 through (and crashed on it in tests), so a file that is not UTF-8 is
 * rejected whole: it is almost always a whole file in another encoding, not one bad row.
 */
class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;

  check(chunk: Buffer): void {
    let start = 0;
    if (this.carry.length > 0) {
      const take = Math.min(sequenceLength(this.carry[0] as number) - this.carry.length, chunk.length);
      const joined = Buffer.concat([this.carry, chunk.subarray(0, take)]);
      if (joined.length < sequenceLength(joined[0] as number)) {
        this.carry = joined;
        this.offset += chunk.length;
        return;
      }
      if (!isUtf8(joined)) this.fail(this.offset - this.carry.length);
      start = take;
    }
    let end = chunk.length;
    for (let i = chunk.length - 1; i >= Math.max(start, chunk.length - 3); i--) {
      const b = chunk[i] as number;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        if (i + sequenceLength(b) > chunk.length) end = i;
        break;
      }
    }
    if (!isUtf8(chunk.subarray(start, end))) this.fail(this.offset + start + firstInvalid(chunk, start, end));
    this.carry = Buffer.from(chunk.subarray(end));
    this.offset += chunk.length;
  }

  end(): void {
    if (this.carry.length > 0) this.fail(this.offset - this.carry.length);
  }

  private fail(at: number): never {
    throw new UnreadableFileError(`not UTF-8 text: an invalid byte sequence at decoded offset ${at}`);
  }
}

const sequenceLength = (lead: number): number => (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1);

/** Offset (from `start`) of the first byte that does not begin or continue a well-formed sequence; for messages. */
function firstInvalid(buffer: Buffer, start: number, end: number): number {
  for (let i = start; i < end; ) {
    const length = sequenceLength(buffer[i] as number);
    if ((buffer[i] as number) >= 0x80 && (length === 1 || (buffer[i] as number) > 0xf4)) return i - start;
    if (!isUtf8(buffer.subarray(i, Math.min(i + length, end)))) return i - start;
    i += length;
  }
  return 0;
}

/**
 * Builds the numbered output of one input chunk synchronously and writes it while the next chunk is scanned. Each of
 * its two arenas holds a copy of the input chunk followed by that chunk's output, so a record is moved with
 * `copyWithin` inside one buffer (a builtin memmove, about 3x cheaper per record than `Buffer.copy`, which allocates).
 * Writes are positional, so the write of one arena may still be running while the other is filled. Memory: two
 * arenas of about 2.5 input chunks each.
 */
class Writer {
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
  /** Where the output is streamed too, from the first record on. */
  private sink: ByteSink | undefined;

  constructor(private readonly file: FileHandle) {}

  /** Streams every later output to `sink` too (call it before the first record is flushed). */
  attach(sink: ByteSink): void {
    if (this.flushed > 0) throw new Error("Writer.attach: records were already written");
    this.sink = sink;
  }

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
   * Appends `<line><sep><length><sep><record>\n`. The hot loop of the whole pre-pass: digits two at a time; the
   * record moved inside the arena when it comes from the staged chunk (it does, unless it spanned chunks).
   */
  record(line: number, separator: number, source: Buffer, start: number, end: number): void {
    const length = end - start;
    this.reserve(length + 64);
    const buffer = this.arena;
    let at = writeDigits(buffer, this.used, line);
    buffer[at++] = separator;
    at = writeDigits(buffer, at, length);
    buffer[at++] = separator;
    // Identity, not `.buffer`: that getter alone costs more than the copy.
    if (source === this.staged) buffer.copyWithin(at, start, end);
    else source.copy(buffer, at, start, end);
    at += length;
    buffer[at++] = LF;
    this.used = at;
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

  /** Flushes and waits for every write; then ends the sink's stream. */
  async close(): Promise<void> {
    await this.flush();
    await this.writes[1 - this.current];
    await this.sink?.close();
  }

  /** Waits for the writes in flight, ignoring their errors (the caller is already failing), and drops the sink. */
  async settle(failed: boolean): Promise<void> {
    if (failed) this.sink?.destroy();
    await Promise.allSettled(this.writes);
  }

  private async write(buffer: Buffer, start: number, end: number, position: number): Promise<void> {
    if (this.sink === undefined) return this.writeFile(buffer, start, end, position);
    await Promise.all([this.writeFile(buffer, start, end, position), this.sink.write(buffer, start, end)]);
  }

  private async writeFile(buffer: Buffer, start: number, end: number, position: number): Promise<void> {
    let at = start;
    while (at < end) {
      const { bytesWritten } = await this.file.write(buffer, at, end - at, position + at - start);
      at += bytesWritten;
    }
  }
}

interface Scanner {
  push(chunk: Buffer): void;
  end(): void;
  readonly rows: number;
  readonly header: readonly string[] | undefined;
  /** Whether the file held anything but blank lines (a header counts). */
  readonly sawContent: boolean;
}

/** Bytes of a record that spans input chunks, kept until its end is found. */
class Pending {
  private parts: Buffer[] = [];
  length = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer, start: number, end: number, line: number): void {
    if (end <= start) return;
    this.length += end - start;
    if (this.length > this.max)
      throw new UnreadableFileError(
        `the record starting at line ${line} is longer than ${this.max} bytes (an unbalanced quote?)`,
      );
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
  }

  /** The pending bytes followed by `chunk[start, end)`, as one buffer and range. */
  take(chunk: Buffer, start: number, end: number): { buffer: Buffer; start: number; end: number } {
    if (this.parts.length === 0) return { buffer: chunk, start, end };
    this.parts.push(chunk.subarray(start, end));
    const buffer = Buffer.concat(this.parts);
    this.parts = [];
    this.length = 0;
    return { buffer, start: 0, end: buffer.length };
  }
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

function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buffer[i] !== 32 && buffer[i] !== 9) return false;
  return true;
}

/**
 * RFC 4180 record boundaries, the way DuckDB's reader sees them: a quote opens a quoted field only at the start of
 * a field; inside one, `""` is a literal quote and a lone quote closes it; a line feed ends the record unless it is
 * inside a quoted field.
 */
class CsvScanner implements Scanner {
  rows = 0;
  header: string[] | undefined;
  sawContent = false;
  private readonly delimiter: number;
  private readonly pending: Pending;
  private inQuotes = false;
  /** Offset in the decoded stream of the quote that last closed a quoted field (a quote right after it is `""`). */
  private lastClose = -2;
  /** The byte before the current chunk (LF at the start: the start of a record). */
  private lastByte = LF;
  /** Decoded bytes before the current chunk. */
  private consumed = 0;
  private line = 1;
  private recordLine = 1;
  private headerPending: boolean;

  constructor(
    private readonly writer: Writer,
    private readonly separator: string,
    header: boolean,
    maxRecordBytes: number,
  ) {
    this.delimiter = separator.charCodeAt(0);
    this.headerPending = header;
    this.pending = new Pending(maxRecordBytes);
  }

  push(chunk: Buffer): void {
    const base = this.consumed;
    this.consumed += chunk.length;
    let pos = 0;
    let quote = chunk.indexOf(QUOTE, 0);
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf;
      // Only quotes can change where the record ends; everything else in the segment is opaque.
      for (; quote !== -1 && quote < end; quote = chunk.indexOf(QUOTE, quote + 1)) {
        if (this.inQuotes) {
          this.inQuotes = false;
          this.lastClose = base + quote;
        } else {
          const before = quote > 0 ? chunk[quote - 1] : this.lastByte;
          if (base + quote - 1 === this.lastClose || before === this.delimiter || before === LF)
            this.inQuotes = true;
        }
      }
      if (lf === -1) {
        this.pending.add(chunk, pos, end, this.recordLine);
        break;
      }
      if (this.inQuotes) {
        this.pending.add(chunk, pos, lf + 1, this.recordLine);
        this.line++;
        pos = lf + 1;
        continue;
      }
      if (this.pending.length === 0) this.emit(chunk, pos, lf);
      else {
        const record = this.pending.take(chunk, pos, lf);
        this.emit(record.buffer, record.start, record.end);
      }
      this.line++;
      this.recordLine = this.line;
      pos = lf + 1;
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
  }

  end(): void {
    const record = this.pending.take(Buffer.alloc(0), 0, 0);
    if (record.end > record.start) this.emit(record.buffer, record.start, record.end);
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === CR) end--;
    if (end === start) return; // a blank line is no record
    this.sawContent = true;
    if (this.headerPending) {
      this.headerPending = false;
      this.header = splitCsvRecord(buffer.toString("utf8", start, end), this.separator).map((f) => f.trim());
      return;
    }
    this.rows++;
    this.writer.record(this.recordLine, this.delimiter, buffer, start, end);
  }
}

/** Splits one CSV record (the header) into fields, unquoting them. */
export function splitCsvRecord(record: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < record.length; i++) {
    const c = record[i] as string;
    if (quoted) {
      if (c === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === delimiter) {
      fields.push(field);
      field = "";
      atStart = true;
      continue;
    } else if (c === '"' && atStart) quoted = true;
    else field += c;
    atStart = false;
  }
  fields.push(field);
  return fields;
}

/** NDJSON: every non-blank line is a record. */
class LineScanner implements Scanner {
  rows = 0;
  readonly header = undefined;
  sawContent = false;
  private readonly pending: Pending;
  private line = 1;

  constructor(
    private readonly writer: Writer,
    maxRecordBytes: number,
  ) {
    this.pending = new Pending(maxRecordBytes);
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) {
        this.pending.add(chunk, pos, chunk.length, this.line);
        return;
      }
      if (this.pending.length === 0) this.emit(chunk, pos, lf);
      else {
        const record = this.pending.take(chunk, pos, lf);
        this.emit(record.buffer, record.start, record.end);
      }
      this.line++;
      pos = lf + 1;
    }
  }

  end(): void {
    const record = this.pending.take(Buffer.alloc(0), 0, 0);
    if (record.end > record.start) this.emit(record.buffer, record.start, record.end);
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === CR) end--;
    if (isBlank(buffer, start, end)) return;
    this.sawContent = true;
    this.rows++;
    this.writer.record(this.line, US, buffer, start, end);
  }
}

enum JsonState {
  BeforeArray,
  BeforeElement,
  InElement,
  AfterArray,
}

/**
 * Splits a top-level JSON array into its elements without parsing them (DuckDB validates each one, so a bad element
 * is one quarantined row, not a rejected file). Tracks only strings, escapes and bracket depth.
 */
class JsonArrayScanner implements Scanner {
  rows = 0;
  readonly header = undefined;
  sawContent = false;
  private readonly pending: Pending;
  private state = JsonState.BeforeArray;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Whether a comma was seen, so `]` now closes an empty element (`[1,]`), which is a bad row. */
  private afterComma = false;
  private offset = 0;

  constructor(
    private readonly writer: Writer,
    maxRecordBytes: number,
  ) {
    this.pending = new Pending(maxRecordBytes);
  }

  push(chunk: Buffer): void {
    let start = this.state === JsonState.InElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      switch (this.state) {
        case JsonState.BeforeArray:
          if (isJsonSpace(b)) break;
          if (b !== 0x5b)
            throw new UnreadableFileError(
              `not a JSON array: the file starts with ${JSON.stringify(String.fromCharCode(b))}, not "["`,
            );
          this.sawContent = true;
          this.state = JsonState.BeforeElement;
          break;
        case JsonState.BeforeElement:
          if (isJsonSpace(b)) break;
          if (b === 0x5d) {
            if (this.afterComma) this.element(chunk, i, i); // `[1,]`
            this.state = JsonState.AfterArray;
            break;
          }
          if (b === 0x2c) {
            this.element(chunk, i, i); // `[,` or `,,`: an empty element
            break;
          }
          this.state = JsonState.InElement;
          start = i;
          i--; // look at this byte again as part of the element
          break;
        case JsonState.InElement:
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (b === 0x5c) this.escaped = true;
            else if (b === QUOTE) this.inString = false;
            else if (b === LF || b === CR) chunk[i] = 0x01; // stays invalid JSON, but on one line
          } else if (b === QUOTE) this.inString = true;
          else if (b === 0x7b || b === 0x5b) this.depth++;
          else if ((b === 0x7d || b === 0x5d) && this.depth > 0) this.depth--;
          else if (this.depth === 0 && (b === 0x2c || b === 0x5d)) {
            this.element(chunk, start, i);
            start = -1;
            this.state = b === 0x2c ? JsonState.BeforeElement : JsonState.AfterArray;
            this.afterComma = b === 0x2c;
          } else if (b === LF || b === CR) chunk[i] = 32;
          break;
        case JsonState.AfterArray:
          if (!isJsonSpace(b))
            throw new UnreadableFileError(
              `not a JSON array: content after the closing "]" at byte ${this.offset + i}`,
            );
          break;
      }
    }
    if (this.state === JsonState.InElement && start !== -1)
      this.pending.add(chunk, start, chunk.length, this.rows + 1);
    this.offset += chunk.length;
  }

  end(): void {
    if (this.state === JsonState.BeforeArray) return; // only whitespace: reported as empty
    if (this.state !== JsonState.AfterArray)
      throw new UnreadableFileError(
        `truncated JSON array: the file ends inside the array, after ${this.rows} elements`,
      );
  }

  private element(chunk: Buffer, start: number, end: number): void {
    const record = this.pending.take(chunk, start, end);
    let stop = record.end;
    while (stop > record.start && isJsonSpace(record.buffer[stop - 1] as number)) stop--;
    this.rows++;
    this.writer.record(this.rows, US, record.buffer, record.start, stop);
  }
}

function isJsonSpace(b: number): boolean {
  return b === 32 || b === LF || b === CR || b === 9;
}

/**
 * Reads records of a prepared file back by line: it walks the file forward from record to record with each prefix's
 * `<length>`, through a 1 MiB window, so it never mistakes a line break inside a record for a record's end. Lines
 * must be asked for in non-decreasing order (the quarantine is sorted by line); memory is the window plus the
 * longest record asked for.
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
    private readonly separator: number,
  ) {}

  static async open(path: string, separator: string): Promise<PreparedRecords> {
    const file = await open(path, "r");
    try {
      return new PreparedRecords(file, (await file.stat()).size, separator.charCodeAt(0));
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
      if (prefix.line === line) {
        const start = this.position + prefix.length;
        await this.load(start, prefix.recordLength);
        const at = start - this.windowStart;
        return this.window.toString("utf8", at, at + prefix.recordLength);
      }
      this.position += prefix.length + prefix.recordLength + 1;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /** Parses `<line><sep><length><sep>` at `offset`. */
  private async prefixAt(offset: number): Promise<{ line: number; recordLength: number; length: number }> {
    await this.load(offset, Math.min(40, this.size - offset));
    let at = offset - this.windowStart;
    const number = (): number => {
      let value = 0;
      const first = at;
      for (let b = this.window[at] as number; b >= 48 && b <= 57; b = this.window[++at] as number)
        value = value * 10 + (b - 48);
      if (at === first || at >= this.windowLength || this.window[at] !== this.separator)
        throw new Error(`prepared file: no record prefix at offset ${offset}`);
      at++;
      return value;
    };
    const line = number();
    const recordLength = number();
    return { line, recordLength, length: at - (offset - this.windowStart) };
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
