import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { PipelineFormat } from "../../src/core/pipeline.js";
import { coalesce, gunzip } from "./decode.js";
import {
  type PreparedInput,
  PreparedRecords,
  prepareInput,
  splitCsvRecord,
  UnreadableFileError,
  writeDigits,
} from "./prepare.js";

const dir = mkdtempSync(join(tmpdir(), "drop-to-raw-prepare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The content in chunks of `size` bytes (1: every byte its own chunk, to cross every boundary). */
async function* chunks(content: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < content.length; i += size) yield content.subarray(i, i + size);
}

let n = 0;
async function prepare(
  content: string | Buffer,
  format: PipelineFormat,
  options: {
    key?: string;
    chunk?: number;
    maxRecordBytes?: number;
    maxDecodedBytes?: number;
    /** Default 1: the chunks reach the scanner as they are, boundaries and all. */
    pieceBytes?: number;
  } = {},
): Promise<{ prepared: PreparedInput; text: string }> {
  const outPath = join(dir, `prepared-${n++}`);
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  const prepared = await prepareInput(chunks(bytes, options.chunk ?? 64 * 1024), {
    format,
    key: options.key ?? "p/file",
    outPath,
    pieceBytes: options.pieceBytes ?? 1,
    ...(options.maxRecordBytes !== undefined ? { maxRecordBytes: options.maxRecordBytes } : {}),
    ...(options.maxDecodedBytes !== undefined ? { maxDecodedBytes: options.maxDecodedBytes } : {}),
  });
  return { prepared, text: readFileSync(outPath, "utf8") };
}

/**
 * The prepared file's records as [line, record] pairs. Its own reading of `<line><sep><record>\n`, independent of the
 * module's: a CSV record ends at the first line feed outside quotes (a quote opens only at a field's start, `""`
 * inside is a literal quote); any other record at the next line feed. Throws when a record is not followed by one.
 */
function records(text: string, separator: string, csv = separator !== "\x1f"): [number, string][] {
  const out: [number, string][] = [];
  let at = 0;
  while (at < text.length) {
    const sep = text.indexOf(separator, at);
    const line = Number(text.slice(at, sep));
    if (!/^[0-9]+$/.test(text.slice(at, sep))) throw new Error(`no line number at ${at}`);
    let end = sep + 1;
    let quoted = false;
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === "\n" && !quoted) break;
      if (!csv || c !== '"') continue;
      if (quoted) {
        // `""` is a literal quote: still quoted
        if (text[end + 1] === '"') end++;
        else quoted = false;
      } else if (text[end - 1] === separator) quoted = true;
    }
    if (end === text.length) end--; // a quoted field that never closed runs to the file's last line feed
    if (text[end] !== "\n") throw new Error(`the record at ${at} is not followed by a line feed`);
    out.push([line, text.slice(sep + 1, end)]);
    at = end + 1;
  }
  return out;
}

const CSV: PipelineFormat = { type: "csv" };

describe("prepareInput, csv", () => {
  const content =
    '\uFEFFid,name,note\r\n1,a,plain\r\n\r\n2,"b, with comma","multi\nline ""quoted"""\n3,c,"x"\n\n4,d,last';

  it.each([1, 3, 7, 64 * 1024])(
    "numbers records by the line they start on (chunks of %i bytes)",
    async (chunk) => {
      // act
      const { prepared, text } = await prepare(content, CSV, { chunk });

      // assess
      expect(prepared.header).toEqual(["id", "name", "note"]);
      expect(prepared.rows).toBe(4);
      expect(prepared.gzip).toBe(false);
      expect(prepared.bytesIn).toBe(Buffer.byteLength(content));
      expect(records(text, ",")).toEqual([
        [2, "1,a,plain"],
        [4, '2,"b, with comma","multi\nline ""quoted"""'],
        [6, '3,c,"x"'],
        [8, "4,d,last"],
      ]);
    },
  );

  it.each([1, 2, 3])("accepts multi-byte UTF-8 split across chunks of %i bytes", async (chunk) => {
    // act
    const { text } = await prepare("id,name\n1,café €𝄞\n", CSV, { chunk });

    // assess
    expect(records(text, ",")).toEqual([[2, "1,café €𝄞"]]);
  });

  it.each([1, 3, 7, 64 * 1024])(
    "numbers quote-free stretches (CRLF, blank lines, skipped lines, a quote in between) in chunks of %i bytes",
    async (chunk) => {
      // prepare: the skipped preamble hands the scanner a slice of the chunk, not the chunk itself
      const csv = '# exported\r\n# by tool\r\nid,name\r\n1,a\r\n\r\n2,b\n\n\n3,c\r\n4,"d"\n5,e\r\n6,f';

      // act
      const { prepared, text } = await prepare(csv, { type: "csv", skipLines: 2 }, { chunk });

      // assess
      expect(prepared.header).toEqual(["id", "name"]);
      expect(prepared.rows).toBe(6);
      expect(records(text, ",")).toEqual([
        [4, "1,a"],
        [6, "2,b"],
        [9, "3,c"],
        [10, '4,"d"'],
        [11, "5,e"],
        [12, "6,f"],
      ]);
    },
  );

  it("opens quotes only at the start of a field, as DuckDB does", async () => {
    // prepare: a quote inside an unquoted field is literal and must not swallow the next line
    const csv = 'a,b\n1,x"y\n2,z\n3,"p""\nq"\n';

    // act
    const { text } = await prepare(csv, CSV, { chunk: 2 });

    // assess
    expect(records(text, ",")).toEqual([
      [2, '1,x"y'],
      [3, "2,z"],
      [4, '3,"p""\nq"'],
    ]);
  });

  it("uses the declared delimiter for the prefix and reads files without a header", async () => {
    // act
    const { prepared, text } = await prepare("1;a\n2;b\n", { type: "csv", delimiter: ";", header: false });

    // assess
    expect(prepared.header).toBeUndefined();
    expect(prepared.separator).toBe(";");
    expect(records(text, ";")).toEqual([
      [1, "1;a"],
      [2, "2;b"],
    ]);
  });

  it("keeps a header-only file as zero rows", async () => {
    // act
    const { prepared, text } = await prepare("id,name\n", CSV);

    // assess
    expect(prepared.rows).toBe(0);
    expect(prepared.header).toEqual(["id", "name"]);
    expect(text).toBe("");
  });

  it("numbers a chunk whose output outgrows its buffer several times (one-byte records)", async () => {
    // prepare: 200,000 one-byte records in one 1 MiB chunk: the numbered output is ~10x the input
    const rows = Array.from({ length: 200_000 }, (_, i) => String(i % 10));
    const { prepared, text } = await prepare(`n\n${rows.join("\n")}\n`, CSV, { chunk: 1 << 20 });

    // assess
    const numbered = records(text, ",");
    expect(prepared.rows).toBe(200_000);
    expect(numbered.length).toBe(200_000);
    expect(numbered.filter(([line, row], i) => line !== i + 2 || row !== rows[i])).toEqual([]);
  });

  it("copies records of every length, short and long, inside and across chunks", async () => {
    // prepare: records of 1 to 300 bytes (both copy paths), in chunks that split some of them
    const rows = Array.from({ length: 300 }, (_, i) => "x".repeat(i + 1));
    const content = `v\n${rows.join("\n")}\n`;

    for (const chunk of [1000, 64 * 1024]) {
      // act
      const { text } = await prepare(content, CSV, { chunk });

      // assess
      expect(records(text, ",")).toEqual(rows.map((row, i) => [i + 2, row]));
    }
  });

  it("joins small chunks (an S3 body's, gunzip's) into pieces and numbers them exactly as it numbers the chunks", async () => {
    // prepare: quoted records spanning lines, CRLF and blank lines, in 1-byte and 1,000-byte chunks
    const rows = Array.from({ length: 2_000 }, (_, i) =>
      i % 7 === 0 ? `${i},"multi\nline ""${i}"""` : i % 5 === 0 ? `${i},crlf\r\n` : `${i},plain`,
    );
    const content = `id,v\n${rows.join("\n")}\n\n`;
    const asChunks = await prepare(content, CSV, { chunk: 1 });

    for (const [chunk, pieceBytes] of [
      [1, 4096],
      [1000, 1 << 20],
      [1000, 2500],
    ] as const) {
      // act
      const joined = await prepare(content, CSV, { chunk, pieceBytes });

      // assess
      expect(joined.prepared.rows).toBe(2_000);
      expect(joined.text).toBe(asChunks.text);
    }
  });

  it("rejects a record longer than the limit (an unbalanced quote swallowing the file)", async () => {
    // act / assess
    await expect(
      prepare('id,name\n1,"never closed\n2,b\n3,c\n', CSV, { maxRecordBytes: 12 }),
    ).rejects.toThrow("the record starting at line 2 is longer than 12 bytes (an unbalanced quote?)");
  });
});

describe("prepareInput, compression and bad files", () => {
  it("rejects a file that decodes past the size limit (valid lines, but it would fill /tmp)", async () => {
    // prepare: 200,000 small valid lines, about 1.3 MB decoded, a few KB gzipped
    const gz = gzipSync(`id\n${"12345\n".repeat(200_000)}`);

    // act / assess
    await expect(prepare(gz, CSV, { key: "p/big.csv.gz", maxDecodedBytes: 1_000_000 })).rejects.toThrow(
      /^decoded size over the 1000000-byte limit after \d+ compressed bytes \(a gzip bomb, or a file to split\)$/,
    );
  });

  it("reads gzip by its magic bytes even without a .gz suffix", async () => {
    // prepare
    const gz = gzipSync("id\n1\n2\n");

    // act
    const { prepared, text } = await prepare(gz, CSV, { chunk: 1 });

    // assess
    expect(prepared.gzip).toBe(true);
    expect(prepared.bytesIn).toBe(gz.length);
    expect(prepared.bytesDecoded).toBe(7);
    expect(records(text, ",")).toEqual([
      [2, "1"],
      [3, "2"],
    ]);
  });

  const cases: {
    name: string;
    content: string | Buffer;
    key?: string;
    format?: PipelineFormat;
    reason: string;
  }[] = [
    {
      name: "a .gz key that is not gzip",
      content: "id\n1\n",
      key: "p/file.csv.gz",
      reason: "not gzip: the key ends in .gz",
    },
    {
      name: "declared gzip that is not",
      content: "id\n1\n",
      format: { type: "csv", compression: "gzip" },
      reason: "not gzip",
    },
    { name: "corrupt gzip", content: gzipSync("id\n1\n2\n").subarray(0, 15), reason: "corrupt gzip" },
    { name: "an empty file", content: "", reason: "empty file" },
    { name: "an empty .gz file", content: "", key: "p/f.gz", reason: "empty file" },
    {
      name: "blank lines only",
      content: "\n\r\n  \n",
      format: { type: "ndjson" },
      reason: "empty file: no records, only blank lines",
    },
    {
      name: "binary content",
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
      reason: "binary content: NUL byte at decoded offset 4; not a text csv file",
    },
    {
      name: "Latin-1 text",
      content: Buffer.from("id\ncaf\xe9\n", "latin1"),
      reason: "not UTF-8 text: an invalid byte sequence at decoded offset 6",
    },
    {
      name: "a truncated UTF-8 sequence at the end",
      content: Buffer.from([0x69, 0x64, 0x0a, 0xe2, 0x82]),
      reason: "not UTF-8 text: an invalid byte sequence at decoded offset 3",
    },
  ];
  it.each(cases)("rejects $name as a whole", async ({ content, key, format, reason }) => {
    // act
    const error = await prepare(content, format ?? CSV, key !== undefined ? { key } : {}).catch(
      (e: unknown) => e,
    );

    // assess
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as UnreadableFileError).reason).toContain(reason);
  });
});

describe("prepareInput, ndjson", () => {
  it("numbers every non-blank line by its line in the file", async () => {
    // act
    const { prepared, text } = await prepare(
      '{"a":1}\n\n{"a":2}\r\n   \nnot json\n{"a":3}',
      { type: "ndjson" },
      { chunk: 4 },
    );

    // assess
    expect(prepared.rows).toBe(4);
    expect(records(text, "\x1f")).toEqual([
      [1, '{"a":1}'],
      [3, '{"a":2}'],
      [5, "not json"],
      [6, '{"a":3}'],
    ]);
  });
});

describe("prepareInput, json array", () => {
  it.each([1, 5, 1024])(
    "splits the array into one element per record (chunks of %i bytes)",
    async (chunk) => {
      // prepare
      const json = '[\n  {"a": 1, "b": "x,]}"},\n  {"a": [1, {"c": "\\"]"}]},\n  42,\n  "s"\n]\n';

      // act
      const { prepared, text } = await prepare(json, { type: "json" }, { chunk });

      // assess
      expect(prepared.rows).toBe(4);
      expect(records(text, "\x1f")).toEqual([
        [1, '{"a": 1, "b": "x,]}"}'],
        [2, '{"a": [1, {"c": "\\"]"}]}'],
        [3, "42"],
        [4, '"s"'],
      ]);
    },
  );

  it("puts a pretty-printed element on one line", async () => {
    // act
    const { text } = await prepare('[{\n  "a": 1,\r\n  "b": 2\n}]', { type: "json" });

    // assess
    expect(records(text, "\x1f")).toEqual([[1, '{   "a": 1,    "b": 2 }']]);
  });

  it("keeps line breaks inside strings on one line after tiny elements outgrow the output buffer", async () => {
    // prepare: 100,000 one-digit elements, then an element with line breaks, all in one chunk
    const tiny = Array.from({ length: 100_000 }, (_, i) => String(i % 10));
    const json = `[${tiny.join(",")},{"a":"x\ny"},\n{"b":\n2}]`;

    // act
    const { prepared, text } = await prepare(json, { type: "json" }, { chunk: 1 << 20 });

    // assess
    const numbered = records(text, "\x1f");
    expect(prepared.rows).toBe(100_002);
    expect(numbered.slice(-2)).toEqual([
      [100_001, '{"a":"x\x01y"}'],
      [100_002, '{"b": 2}'],
    ]);
    expect(text.split("\n").length).toBe(100_002 + 1);
  });

  it("keeps empty elements as (bad) rows and an empty array as no rows", async () => {
    // act
    const empty = await prepare("[ ]", { type: "json" });
    const holes = await prepare("[1,,2,]", { type: "json" });

    // assess
    expect(empty.prepared.rows).toBe(0);
    expect(records(holes.text, "\x1f")).toEqual([
      [1, "1"],
      [2, ""],
      [3, "2"],
      [4, ""],
    ]);
  });

  it.each([
    ['{"a":1}', 'not a JSON array: the file starts with "{", not "["'],
    ['[{"a":1}', "truncated JSON array: the file ends inside the array, after 0 elements"],
    ['[{"a":1}] x', 'not a JSON array: content after the closing "]" at byte 10'],
  ])("rejects %s as a whole", async (json, reason) => {
    // act / assess
    await expect(prepare(json, { type: "json" })).rejects.toThrow(reason);
  });
});

describe("coalesce", () => {
  it("joins chunks into pieces of at least the size, passes larger chunks as they are, keeps every byte", async () => {
    // prepare
    async function* source(): AsyncIterable<Uint8Array> {
      for (const size of [3, 3, 3, 10, 12, 1]) yield Buffer.alloc(size, 97 + size);
    }
    const pieces: Uint8Array[] = [];

    // act
    for await (const piece of coalesce(source(), 5)) pieces.push(piece);

    // assess
    expect(pieces.map((p) => p.length)).toEqual([6, 13, 12, 1]);
    expect(Buffer.concat(pieces).toString()).toBe("dddddddddkkkkkkkkkkmmmmmmmmmmmmb");
  });
});

describe("gunzip", () => {
  it("inflates in chunks of up to 1 MiB, not zlib's 16 KiB (one thread-pool round trip each)", async () => {
    // prepare: 3 MiB of text, compressed
    const text = Buffer.from("0123456789abcdef".repeat(3 * 65536));
    async function* source(): AsyncIterable<Uint8Array> {
      yield gzipSync(text);
    }
    const sizes: number[] = [];
    const out: Buffer[] = [];

    // act
    for await (const chunk of gunzip(source())) {
      sizes.push(chunk.length);
      out.push(chunk);
    }

    // assess
    expect(Buffer.concat(out).equals(text)).toBe(true);
    expect(sizes).toEqual([1 << 20, 1 << 20, 1 << 20]);
  });
});

describe("splitCsvRecord", () => {
  it("splits and unquotes", () => {
    // act / assess
    expect(splitCsvRecord('a,"b,c","d""e",,f ', ",")).toEqual(["a", "b,c", 'd"e', "", "f "]);
    expect(splitCsvRecord("a\tb", "\t")).toEqual(["a", "b"]);
  });
});

describe("PreparedRecords", () => {
  it("gives back the exact text of records by line, walking past line breaks inside them", async () => {
    // prepare: quoted fields spanning lines, and a quoted field whose text looks like a prefix
    const csv = 'id,note\n1,"a\n9,5,x"\n2,plain\r\n\n3,"b\n\nc"\n4,last';
    const { prepared } = await prepare(csv, CSV, { chunk: 3 });
    const reader = await PreparedRecords.open(prepared.path, prepared.layout, prepared.separator);

    // act
    const texts = [];
    for (const line of [2, 2, 3, 4, 5, 6, 9, 10]) texts.push(await reader.text(line));
    await reader.close();

    // assess: lines 3, 5 and 10 start no record
    expect(texts).toEqual([
      '1,"a\n9,5,x"',
      '1,"a\n9,5,x"',
      undefined,
      "2,plain",
      undefined,
      '3,"b\n\nc"',
      "4,last",
      undefined,
    ]);
  });

  it("ends a CSV record where the pre-pass did: a quote opens only at a field's start", async () => {
    // prepare: a quote inside an unquoted field, an escaped quote before a line break, and a last record whose quoted
    // field never closes (it runs to the end of the file)
    const csv = 'id,note\n1,ab"c\n2,"x""\ny"\n3,"open\n4,z\n';
    const { prepared } = await prepare(csv, CSV);
    const reader = await PreparedRecords.open(prepared.path, prepared.layout, prepared.separator);

    // act
    const texts = [];
    for (const line of [2, 3, 5]) texts.push(await reader.text(line));
    await reader.close();

    // assess: the open quote holds the file's last line feed too
    expect(prepared.rows).toBe(3);
    expect(texts).toEqual(['1,ab"c', '2,"x""\ny"', '3,"open\n4,z\n']);
  });

  it("ends an NDJSON or JSON record at its line feed, whatever quotes it holds", async () => {
    // prepare: records with unbalanced quotes and commas, which a CSV reading would run together
    const ndjson = '{"a": "x\n"b,",\n{"c": 1}\n';
    const { prepared } = await prepare(ndjson, { type: "ndjson" });
    const reader = await PreparedRecords.open(prepared.path, prepared.layout, prepared.separator);

    // act
    const texts = [];
    for (const line of [1, 2, 3]) texts.push(await reader.text(line));
    await reader.close();

    // assess
    expect(texts).toEqual(['{"a": "x', '"b,",', '{"c": 1}']);
  });

  it("reads records longer than its window and walks across window boundaries", async () => {
    // prepare: 3 MiB of short records around one 1.5 MiB record
    const short = Array.from({ length: 100_000 }, (_, i) => `${i},${"s".repeat(i % 40)}`);
    const long = `x,${"L".repeat(1_500_000)}`;
    const rows = [...short, long, ...short];
    const { prepared } = await prepare(`a,b\n${rows.join("\n")}\n`, CSV, { maxRecordBytes: 2_000_000 });
    const reader = await PreparedRecords.open(prepared.path, prepared.layout, prepared.separator);

    // act
    const wanted = [2, 50_000, 100_001, 100_002, 100_003, 150_000, 200_002];
    const texts = [];
    for (const line of wanted) texts.push(await reader.text(line));
    await reader.close();

    // assess
    expect(texts).toEqual(wanted.map((line) => rows[line - 2]));
  });
});

describe("writeDigits", () => {
  it.each([
    0,
    7,
    9,
    10,
    99,
    100,
    101,
    999,
    1000,
    65_535,
    99_999,
    100_000,
    1_234_567,
    9_999_999,
    10_000_000,
    99_999_999,
    100_000_000,
    999_999_999,
    1_000_000_000,
    2 ** 31 - 1,
    2 ** 31,
    4_294_967_296,
    123_456_789_012,
    2 ** 53 - 1,
  ])("writes %i in decimal and returns the position after it", (value) => {
    // prepare
    const buffer = Buffer.alloc(24, "#");

    // act
    const end = writeDigits(buffer, 2, value);

    // assess
    expect(buffer.toString("latin1", 0, end + 1)).toBe(`##${value}#`);
  });
});
