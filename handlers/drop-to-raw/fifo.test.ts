import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FifoSink, makeFifo } from "./fifo.js";

const dir = mkdtempSync(join(tmpdir(), "drop-to-raw-fifo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FifoSink", () => {
  it("waits for the reader, then hands it every byte and the end of the stream", async () => {
    // prepare
    const path = join(dir, "pipe");
    expect(await makeFifo(path)).toBe(true);
    const data = Buffer.alloc(3 << 20, "abc"); // far more than a pipe holds: writes must wait for the reader

    // act: the reader opens the pipe only after the writer started waiting for it
    let readerDone: (value: Buffer) => void = () => undefined;
    const read = new Promise<Buffer>((resolve) => {
      readerDone = resolve;
    });
    const opening = FifoSink.open(path, read);
    setTimeout(async () => {
      const parts: Buffer[] = [];
      for await (const part of createReadStream(path)) parts.push(part as Buffer);
      readerDone(Buffer.concat(parts));
    }, 50);
    const sink = await opening;
    await sink.write(data, 1, data.length - 1);
    await sink.close();

    // assess
    expect((await read).equals(data.subarray(1, data.length - 1))).toBe(true);
  });

  it("gives up when the reader finishes without ever opening the pipe", async () => {
    // prepare
    const path = join(dir, "never-read");
    await makeFifo(path);

    // act
    const error = await FifoSink.open(path, Promise.reject(new Error("bind error"))).catch((e: unknown) => e);

    // assess
    expect((error as Error).message).toBe(`the reader of ${path} finished without opening it`);
  });
});
