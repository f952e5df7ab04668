import { isUtf8 } from "node:buffer";
import { createGunzip } from "node:zlib";
import { UnreadableFileError } from "./unreadable.js";

/** Decoding a dropped file's bytes for the pre-pass (prepare.ts): peeking at the magic bytes, gunzip, UTF-8. */

/** Reads at least `n` bytes (or to the end) without losing them: `rest` replays them first. */
export async function peek(
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

/**
 * The bytes of `source` in pieces of at least `size` bytes (the last one may be shorter): smaller chunks are joined,
 * larger ones pass as they are. An S3 body arrives in chunks of 16-64 KiB and gunzip's output in 16 KiB ones, while
 * the pre-pass pays per piece (a positional write and a wait for it, the checks' and the scanner's calls).
 */
export async function* coalesce(source: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Uint8Array> {
  let parts: Uint8Array[] = [];
  let length = 0;
  const joined = () => (parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, length));
  for await (const chunk of source) {
    if (length === 0 && chunk.length >= size) {
      yield chunk;
      continue;
    }
    parts.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield joined();
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield joined();
}

/**
 * The inflated bytes of a gzip stream, in chunks of up to `chunkSize`. zlib's default, 16 KiB, makes one round trip
 * to the thread pool per 16 KiB: at 4M rows (241 MB), 1 MiB chunks took the pre-pass of a gzip file from 1.8-2.1 s
 * to 0.84-0.98 s, at about half the CPU.
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>, chunkSize = 1 << 20): AsyncIterable<Buffer> {
  const inflate = createGunzip({ chunkSize });
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
export class Utf8Check {
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
