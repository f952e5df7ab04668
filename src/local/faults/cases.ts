import { createGzip, gzipSync } from "node:zlib";

/**
 * Fault and bad-input cases for drop-to-raw (issue #9.2): each is an object to drop into the lake, how many input
 * lines it holds, and what the converter must make of it. The unit of accounting is the input *line* (data lines
 * only: not the header, not blank lines), so a record that swallows several lines (an unbalanced quote) still has to
 * give every one of them back, in `row` of its quarantine line.
 */

/** What must become of a case's object. */
export type Expected =
  /** Converted: `raw` rows in Parquet, `quarantined` rows in the quarantine NDJSON, each with a reason matching. */
  | {
      readonly outcome: "converted";
      readonly raw: number;
      readonly quarantined: number;
      readonly reasons?: readonly RegExp[];
    }
  /** The whole object quarantined (copy + `.reason.json` sidecar) with a reason matching. */
  | { readonly outcome: "quarantined"; readonly reason: RegExp; readonly prefix?: string }
  /** Nothing to convert any more (the object was deleted before its event was processed). */
  | { readonly outcome: "skipped"; readonly reason: RegExp };

export interface FaultCase {
  readonly name: string;
  /** The drop-bucket key; unique per case. */
  readonly key: string;
  readonly body: Buffer;
  /** Input data lines: what must be accounted for. */
  readonly lines: number;
  readonly expected: Expected;
}

/**
 * The ingest date of every fault object: one no other test, sample or run uses (not today, which the ingest handler
 * stamps), so the suite can read and clean up its outputs by prefix without touching anyone else's.
 */
export const FAULT_DATE = "2000-01-01";
export const ORDERS_HEADER = "order_id,customer_id,country,sku,quantity,unit_price,ordered_at,is_gift";

/** A valid orders line; `n` makes order ids unique. */
export function orderLine(n: number, country = "DE"): string {
  return `${1000 + n},${500 + n},${country},SKU-${n},${(n % 5) + 1},${(n % 7) + 0.5},2026-11-20T08:${String(n % 60).padStart(2, "0")}:00Z,${n % 2 === 0}`;
}

/** A valid clickstream line. */
export function clickLine(n: number, type = "page_view"): string {
  return JSON.stringify({
    event_id: `e-${n}`,
    session_id: `s-${n % 7}`,
    event_type: type,
    page: `/p/${n}`,
    duration_ms: n * 10,
    occurred_at: `2026-11-20T09:${String(n % 60).padStart(2, "0")}:00Z`,
  });
}

const csv = (...lines: string[]) => Buffer.from(`${lines.join("\n")}\n`);
const ordersKey = (name: string, ext = "csv") => `orders/ingest_date=${FAULT_DATE}/fault-${name}.${ext}`;
const clickKey = (name: string, ext = "ndjson") =>
  `clickstream/ingest_date=${FAULT_DATE}/fault-${name}.${ext}`;

/** The bad-input cases that go through the drop bucket and are all converted or quarantined in one drain. */
export function inputCases(): FaultCase[] {
  const good = (from: number, n: number) => Array.from({ length: n }, (_, i) => orderLine(from + i));
  const ndjson = Array.from({ length: 4 }, (_, i) => clickLine(i + 1)).join("\n");
  const truncatedGzip = gzipSync(Buffer.from(`${ndjson}\n`.repeat(50)));
  return [
    {
      name: "csv-ragged-rows",
      key: ordersKey("ragged"),
      body: csv(
        ORDERS_HEADER,
        orderLine(1),
        "1002,502,DE,SKU-2,1,5.5,2026-11-20T08:00:00Z",
        orderLine(3),
        `${orderLine(4)},extra`,
      ),
      lines: 4,
      expected: { outcome: "converted", raw: 2, quarantined: 2, reasons: [/^row:/, /^row:/] },
    },
    {
      name: "csv-unbalanced-quote",
      key: ordersKey("unbalanced-quote"),
      // line 3 opens a quote that never closes: lines 3-5 become one record, rejected whole with all three lines.
      body: csv(
        ORDERS_HEADER,
        orderLine(1),
        '1002,502,DE,"SKU-2,1,5.5,2026-11-20T08:00:00Z,true',
        orderLine(3),
        orderLine(4),
      ),
      lines: 4,
      expected: { outcome: "converted", raw: 1, quarantined: 1, reasons: [/^row:/] },
    },
    {
      name: "csv-quoted-newline",
      key: ordersKey("quoted-newline"),
      // a quoted field spanning two lines is valid RFC 4180: one row, its sku holding the line break.
      body: csv(
        ORDERS_HEADER,
        orderLine(1),
        '1002,502,DE,"SKU-2',
        'second line",1,5.5,2026-11-20T08:00:00Z,true',
        orderLine(3),
      ),
      lines: 4,
      expected: { outcome: "converted", raw: 3, quarantined: 0 },
    },
    {
      name: "csv-stray-quote",
      key: ordersKey("stray-quote"),
      // a quote inside an unquoted field is literal text; after a closed quoted field it breaks the row.
      body: csv(
        ORDERS_HEADER,
        '1001,501,DE,SK"U-1,1,5.5,2026-11-20T08:00:00Z,true',
        '1002,502,DE,"SKU-2"x,1,5.5,2026-11-20T08:00:00Z,true',
        orderLine(3),
      ),
      lines: 3,
      expected: { outcome: "converted", raw: 2, quarantined: 1 },
    },
    {
      name: "csv-wrong-delimiter",
      key: ordersKey("semicolon"),
      body: Buffer.from(csv(ORDERS_HEADER, orderLine(1), orderLine(2)).toString().replace(/,/g, ";")),
      lines: 2,
      expected: {
        outcome: "quarantined",
        reason:
          /^pipeline "orders": header: .*none of the declared columns is in it \(a header of one field: is format.delimiter right\?\)/,
      },
    },
    {
      name: "csv-bom",
      key: ordersKey("bom"),
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv(ORDERS_HEADER, ...good(1, 3))]),
      lines: 3,
      expected: { outcome: "converted", raw: 3, quarantined: 0 },
    },
    {
      name: "csv-non-utf8",
      key: ordersKey("latin1"),
      body: Buffer.concat([
        csv(ORDERS_HEADER, orderLine(1)),
        Buffer.from("1002,502,DE,Caf\xe9,1,5.5,2026-11-20T08:00:00Z,true\n", "latin1"),
      ]),
      lines: 2,
      expected: { outcome: "quarantined", reason: /^not UTF-8 text/ },
    },
    {
      name: "csv-header-missing-required",
      key: ordersKey("no-quantity"),
      body: csv(ORDERS_HEADER.replace(",quantity", ""), "1001,501,DE,SKU-1,5.5,2026-11-20T08:00:00Z,true"),
      lines: 1,
      expected: {
        outcome: "quarantined",
        reason: /^pipeline "orders": header: no field for column "quantity" \(fix: /,
      },
    },
    {
      name: "csv-header-missing-nullable",
      key: ordersKey("no-is-gift"),
      body: csv(
        ORDERS_HEADER.replace(",is_gift", ""),
        "1001,501,DE,SKU-1,2,5.5,2026-11-20T08:00:00Z",
        "1002,502,FR,SKU-2,1,5.5,2026-11-20T08:00:00Z",
      ),
      lines: 2,
      // A declared column the header lacks is an error, nullable or not (mayBeAbsent: true would allow it), not NULLs.
      expected: {
        outcome: "quarantined",
        reason: /^pipeline "orders": header: no field for column "is_gift" \(fix: /,
      },
    },
    {
      name: "csv-extra-columns",
      key: ordersKey("extra-columns"),
      body: csv(`coupon,${ORDERS_HEADER},note`, `X1,${orderLine(1)},hello`, `,${orderLine(2)},`),
      lines: 2,
      expected: { outcome: "converted", raw: 2, quarantined: 0 },
    },
    {
      name: "csv-wrong-types",
      key: ordersKey("types"),
      body: csv(
        ORDERS_HEADER,
        orderLine(1),
        "1002,502,DE,SKU-2,two,5.5,2026-11-20T08:00:00Z,true",
        "1003,503,DE,SKU-3,1,abc,2026-11-20T08:00:00Z,true",
        "1004,504,DE,SKU-4,1,5.5,yesterday,true",
        "1005,505,DE,SKU-5,1,5.5,2026-11-20T08:00:00Z,maybe",
        "x1006,506,DE,SKU-6,1.5,5.5,2026-11-20T08:00:00Z,true",
        "1007,507,DE,SKU-7,1.5,5.5,2026-11-20T08:00:00Z,true",
        ",508,DE,SKU-8,1,5.5,2026-11-20T08:00:00Z,true",
      ),
      lines: 8,
      expected: {
        outcome: "converted",
        raw: 1,
        quarantined: 7,
        reasons: [
          /^quantity:/,
          /^unit_price:/,
          /^ordered_at:/,
          /^is_gift:/,
          /^order_id:/,
          /^quantity:/,
          /^order_id:/,
        ],
      },
    },
    {
      name: "csv-header-only",
      key: ordersKey("header-only"),
      body: csv(ORDERS_HEADER),
      lines: 0,
      expected: { outcome: "converted", raw: 0, quarantined: 0 },
    },
    {
      name: "csv-blank-lines-only",
      key: ordersKey("blank"),
      body: Buffer.from("\n\r\n\n"),
      lines: 0,
      expected: { outcome: "quarantined", reason: /^empty file/ },
    },
    {
      name: "csv-zero-bytes",
      key: ordersKey("zero"),
      body: Buffer.alloc(0),
      lines: 0,
      expected: { outcome: "quarantined", reason: /^empty file/ },
    },
    {
      name: "csv-10mb-single-line",
      key: ordersKey("10mb-line"),
      body: Buffer.concat([
        Buffer.from(`${ORDERS_HEADER}\n1001,501,DE,`),
        Buffer.alloc(10 * 1024 * 1024, "A"),
        Buffer.from(",1,5.5,2026-11-20T08:00:00Z,true"),
      ]),
      lines: 1,
      expected: { outcome: "quarantined", reason: /longer than 2097152 bytes/ },
    },
    {
      name: "json-invalid-lines",
      key: clickKey("invalid"),
      body: Buffer.from(
        [
          clickLine(1),
          '{"event_id": "e-2", "session_id": ',
          clickLine(3),
          "not json at all",
          "[1,2,3]",
          clickLine(6).replace('"page_view"', "42"),
        ].join("\n"),
      ),
      lines: 6,
      expected: { outcome: "converted", raw: 3, quarantined: 3 },
    },
    {
      name: "json-truncated-gzip",
      key: clickKey("truncated", "ndjson.gz"),
      body: truncatedGzip.subarray(0, Math.floor(truncatedGzip.length / 2)),
      lines: 200,
      expected: { outcome: "quarantined", reason: /^corrupt gzip/ },
    },
    {
      name: "json-gz-key-not-gzip",
      key: clickKey("not-gzip", "ndjson.gz"),
      body: Buffer.from(`${ndjson}\n`),
      lines: 4,
      expected: { outcome: "quarantined", reason: /^not gzip/ },
    },
    {
      name: "routing-unknown-pipeline",
      key: `nosuchpipeline/ingest_date=${FAULT_DATE}/fault-unknown.csv`,
      body: csv(ORDERS_HEADER, orderLine(1), orderLine(2)),
      lines: 2,
      expected: { outcome: "quarantined", reason: /^unknown pipeline "nosuchpipeline"/, prefix: "_unknown/" },
    },
    {
      name: "routing-no-prefix",
      key: "fault-no-prefix.csv",
      body: csv(ORDERS_HEADER, orderLine(1)),
      lines: 1,
      expected: { outcome: "quarantined", reason: /^unknown pipeline: the key has no/, prefix: "_unknown/" },
    },
  ];
}

/** An NDJSON gzip bomb: `mib` MiB of `fill` bytes (zeros by default), gzipped (1 GiB of zeros is about 1 MiB). */
export async function gzipBomb(mib: number, fill = 0): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on("data", (c: Buffer) => parts.push(c));
  const ended = new Promise((resolve) => gzip.on("end", resolve));
  const chunk = Buffer.alloc(1 << 20, fill);
  for (let i = 0; i < mib; i++)
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once("drain", resolve));
  gzip.end();
  await ended;
  return Buffer.concat(parts);
}

/** Input lines a record's text holds (a quoted field or an unbalanced quote may span lines). */
export function linesIn(row: string): number {
  return row.replace(/\r?\n$/, "").split("\n").length;
}
