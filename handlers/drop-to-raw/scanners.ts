import type { Writer } from "./numbered.js";
import { UnreadableFileError } from "./unreadable.js";

/** The pre-pass's record scanners (see prepare.ts): where each record of a CSV, NDJSON or JSON-array file ends. */

const LF = 10;
const CR = 13;
const QUOTE = 34;
const US = 0x1f;

export interface Scanner {
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

/** Where the text of the line `buffer[start, lf)` ends: before a trailing CR (a CRLF file), else at its line feed. */
export function lineEnd(buffer: Buffer, start: number, lf: number): number {
  return lf > start && buffer[lf - 1] === CR ? lf - 1 : lf;
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
export class CsvScanner implements Scanner {
  rows = 0;
  header: string[] | undefined;
  sawContent = false;
  private readonly delimiter: number;
  private readonly pending: Pending;
  private readonly quotes: CsvQuotes;
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
    /** The file line the scanner's input starts on (after format.skipLines). */
    firstLine = 1,
  ) {
    this.line = this.recordLine = firstLine;
    this.delimiter = separator.charCodeAt(0);
    this.quotes = new CsvQuotes(this.delimiter, LF);
    this.headerPending = header;
    this.pending = new Pending(maxRecordBytes);
  }

  push(chunk: Buffer): void {
    const base = this.consumed;
    this.consumed += chunk.length;
    let pos = 0;
    let quote = chunk.indexOf(QUOTE, 0);
    while (pos < chunk.length) {
      if (quote === -1 && !this.quotes.inQuotes && this.pending.length === 0 && !this.headerPending) {
        // No quote in the rest of the chunk: every line feed ends a record.
        const { end, lines, records } = this.writer.lines(chunk, pos, this.line, this.delimiter);
        this.line += lines;
        this.recordLine = this.line;
        this.rows += records;
        if (records > 0) this.sawContent = true;
        pos = end;
        if (pos === chunk.length) break;
      }
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf;
      // Only quotes can change where the record ends; everything else in the segment is opaque.
      if (quote !== -1 && quote < end) quote = this.quotes.advance(chunk, base, quote, end);
      if (lf === -1) {
        this.pending.add(chunk, pos, end, this.recordLine);
        break;
      }
      if (this.quotes.inQuotes) {
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
    this.quotes.endChunk(chunk);
  }

  end(): void {
    const record = this.pending.take(Buffer.alloc(0), 0, 0);
    if (record.end > record.start) this.emit(record.buffer, record.start, record.end);
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    end = lineEnd(buffer, start, end);
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

/**
 * RFC 4180 quoting across the chunks of a stream, the way DuckDB's reader sees it: a quote opens a quoted field only
 * at the start of a field; inside one, `""` is a literal quote and a lone quote closes it. A line feed ends the
 * record unless {@link inQuotes}. The one rule both the scanner and {@link csvRecordEnd} follow.
 */
export class CsvQuotes {
  inQuotes = false;
  /** Stream offset of the quote that last closed a quoted field (a quote right after it is `""`). */
  private lastClose = -2;

  constructor(
    private readonly delimiter: number,
    /** The byte before the first chunk: a delimiter or LF means the stream starts at the start of a field. */
    private lastByte: number,
  ) {}

  /**
   * Applies the quotes of `chunk` from `quote` (a quote's index) up to `end`; returns the index of the first quote at
   * or after `end`, or -1. `base`: the stream offset of `chunk[0]`.
   */
  advance(chunk: Buffer, base: number, quote: number, end: number): number {
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
    return quote;
  }

  /** Call after each chunk. */
  endChunk(chunk: Buffer): void {
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
  }
}

/**
 * The index of the line feed that ends the CSV record starting at `start` (the start of a field), or -1 when
 * `buffer[start, stop)` holds no such line feed.
 */
export function csvRecordEnd(buffer: Buffer, start: number, stop: number, delimiter: number): number {
  const quotes = new CsvQuotes(delimiter, delimiter);
  for (let pos = start; pos < stop; ) {
    const lf = buffer.indexOf(LF, pos);
    if (lf === -1 || lf >= stop) return -1;
    // One line at a time, so no quote search runs past the record.
    const segment = buffer.subarray(pos, lf + 1);
    const quote = segment.indexOf(QUOTE);
    if (quote !== -1) quotes.advance(segment, pos, quote, segment.length);
    if (!quotes.inQuotes) return lf;
    quotes.endChunk(segment);
    pos = lf + 1;
  }
  return -1;
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
export class LineScanner implements Scanner {
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
    end = lineEnd(buffer, start, end);
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
export class JsonArrayScanner implements Scanner {
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
 * `format.skipLines`: drops the first `count` lines of the decoded stream (line feeds, whatever quotes they hold)
 * before `inner` sees them; `inner` numbers its lines from `count + 1`.
 */
export function skipLines(count: number, inner: Scanner): Scanner {
  if (count === 0) return inner;
  let remaining = count;
  return {
    push(chunk: Buffer): void {
      let start = 0;
      while (remaining > 0) {
        const lf = chunk.indexOf(LF, start);
        if (lf === -1) return;
        start = lf + 1;
        remaining--;
      }
      if (start < chunk.length) inner.push(start === 0 ? chunk : chunk.subarray(start));
    },
    end: () => inner.end(),
    get rows() {
      return inner.rows;
    },
    get header() {
      return inner.header;
    },
    get sawContent() {
      return inner.sawContent;
    },
  };
}
