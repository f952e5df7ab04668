import { open } from "node:fs/promises";
import type { PipelineFormat } from "../../src/core/pipeline.js";
import { coalesce, gunzip, peek, Utf8Check } from "./decode.js";
import { Writer } from "./numbered.js";
import { CsvScanner, JsonArrayScanner, LineScanner, type Scanner, skipLines } from "./scanners.js";
import { UnreadableFileError } from "./unreadable.js";

export { PreparedRecords, writeDigits } from "./numbered.js";
export { splitCsvRecord } from "./scanners.js";
export { UnreadableFileError };

/**
 * The streaming first pass over a dropped file. It decompresses, checks that the file is text in the declared
 * format, and writes every record to a local file behind a numbering prefix
 *
 *     <line><sep><record>\n
 *
 * so that DuckDB, which has no notion of source line numbers, reads the line as an ordinary column.
 * {@link PreparedRecords} walks the file record by record with the scanners' own rule for where a record ends (a line
 * break inside a quoted field cannot mislead it) and gives back the exact original text of any row that ends up in
 * quarantine. The prefix is kept short because DuckDB parses it on every row. Memory is bounded by a few input chunks
 * (see {@link Writer}) plus the longest record.
 *
 * - csv: records are RFC 4180 records (a quoted field may span lines; `<line>` is where the record starts);
 *   `<sep>` is the declared delimiter, so the prefix is one more CSV field. The header, when declared, is parsed
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
   * The decoded bytes are scanned and written in pieces of at least this many, smaller chunks joined (see
   * decode.ts `coalesce`). 1 leaves the source's chunks as they are. @default 1 MiB
   */
  readonly pieceBytes?: number;
}

export const DEFAULT_PIECE_BYTES = 1 << 20;
export const DEFAULT_MAX_RECORD_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_DECODED_BYTES = 1024 * 1024 * 1024;

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
      ? skipLines(
          format.skipLines ?? 0,
          new CsvScanner(
            writer,
            separator,
            format.header ?? true,
            maxRecordBytes,
            (format.skipLines ?? 0) + 1,
          ),
        )
      : format.type === "ndjson"
        ? new LineScanner(writer, maxRecordBytes)
        : new JsonArrayScanner(writer, maxRecordBytes);
  let bytesIn = 0;
  let bytesDecoded = 0;
  let gzip = false;
  const utf8 = new Utf8Check();
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
    const decoded = coalesce(gzip ? gunzip(rest) : rest, options.pieceBytes ?? DEFAULT_PIECE_BYTES);
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
      await writer.flush();
    }
    if (bytesDecoded === 0) throw new UnreadableFileError("empty file");
    utf8.end();
    scanner.end();
    if (!scanner.sawContent) throw new UnreadableFileError("empty file: no records, only blank lines");
    await writer.close();
  } finally {
    await writer.settle();
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
