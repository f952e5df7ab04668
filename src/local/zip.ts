import { inflateRawSync } from "node:zlib";

/** Deflate's method number (APPNOTE 4.4.5); the build writes only it and stored (0). */
const DEFLATED = 8;

/** What a zip's central directory says about one entry. */
export interface ZipListing {
  readonly path: string;
  readonly method: number;
  readonly mode: number;
  readonly madeBy: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly extraLength: number;
  readonly size: number;
  read(): Buffer;
}

/**
 * Reads a (non-zip64) archive: enough to unpack a handler bundle as Lambda would (the local runner) and to check the
 * build's zips (its tests, the bench). The writer is the build's (handlers/build/zip.ts).
 */
export function readZip(zip: Buffer): ZipListing[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const listing: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const path = zip.toString("utf8", at + 46, at + 46 + nameLength);
    listing.push({
      path,
      method,
      mode: zip.readUInt32LE(at + 38) >>> 16,
      madeBy: zip.readUInt16LE(at + 4),
      dosTime: zip.readUInt16LE(at + 12),
      dosDate: zip.readUInt16LE(at + 14),
      extraLength,
      size,
      read: () => {
        const start = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
        const body = zip.subarray(start, start + compressedSize);
        return method === DEFLATED ? inflateRawSync(body) : Buffer.from(body);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return listing;
}
