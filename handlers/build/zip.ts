import { crc32, deflateRaw } from "node:zlib";

/** One file in an archive: its path inside the zip (forward slashes) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Buffer;
}

export interface ZipOptions {
  /** zlib level. 9 for small bundles; the 70 MB DuckDB library is packed at 6 (a third of the time, 0.4% larger). */
  readonly level?: number;
}

/**
 * Every entry gets the same metadata, so the archive depends on the entries' paths and bytes alone (and on
 * zlib's output for them, which is fixed for a given Node.js release):
 * - DOS date 1980-01-01 00:00, the earliest a zip can hold, no extended-timestamp or uid/gid extra fields;
 * - "made by" Unix, mode 0644 regular file (Lambda only needs to read the files; .node libraries are dlopen'ed);
 * - entries sorted by path (byte order), no directory entries, no comment, UTF-8 names.
 */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const FLAG_UTF8 = 0x0800;
const FILE_MODE = 0o100644;
const STORED = 0;
const DEFLATED = 8;

function deflate(data: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    deflateRaw(data, { level }, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/**
 * A byte-for-byte deterministic zip of `entries` (compressed concurrently on libuv's thread pool). Its reader,
 * `readZip`, is in src/local/zip.ts: the local runner unpacks bundles with it, and tools import no handler code.
 */
export async function createZip(entries: readonly ZipEntry[], options: ZipOptions = {}): Promise<Buffer> {
  const level = options.level ?? 9;
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]?.path === sorted[i - 1]?.path) throw new Error(`duplicate zip entry ${sorted[i]?.path}`);
  if (sorted.length > 0xffff) throw new Error("more than 65535 entries would need zip64");
  const compressed = await Promise.all(sorted.map((e) => deflate(e.data, level)));

  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  sorted.forEach((entry, i) => {
    const name = Buffer.from(entry.path, "utf8");
    if (entry.path.startsWith("/") || entry.path.includes("\\") || entry.path.split("/").includes(".."))
      throw new Error(`unsafe zip entry path ${entry.path}`);
    const deflated = compressed[i] as Buffer;
    // Store instead when deflate does not help (already-compressed data); the choice is itself deterministic.
    const method = deflated.length < entry.data.length ? DEFLATED : STORED;
    const body = method === DEFLATED ? deflated : entry.data;
    const crc = crc32(entry.data);
    if (offset + body.length > 0xfffffffe) throw new Error("archive over 4 GiB would need zip64");

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  });

  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
