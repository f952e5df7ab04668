import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareInput } from "../../../handlers/drop-to-raw/prepare.js";
import { gzipBomb } from "./cases.js";

// The converter's pre-pass against gzip bombs, fed the way an S3 body arrives (64 KiB chunks). Reproduces the product
// bug the fault suite found (faults.lake.test.ts, "a gzip bomb"): a gzip file rejected early never settles.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bomb-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const chunks = (body: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += 65536) yield body.subarray(i, i + 65536);
    })(),
  );

/** Settles with prepareInput's error message, or "still running" after `ms`. */
async function outcome(body: Buffer, ms = 3000): Promise<string> {
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("still running"), ms).unref());
  const run = prepareInput(chunks(body), {
    format: { type: "ndjson" },
    key: "clickstream/bomb.ndjson.gz",
    outPath: join(dir, "prepared"),
  }).then(
    () => "accepted",
    (error: Error) => error.message,
  );
  return Promise.race([run, timeout]);
}

describe("gzip bombs", () => {
  it("a small one (8 MiB of zeros) is rejected at its first NUL byte", async () => {
    expect(await outcome(await gzipBomb(8))).toMatch(/^binary content: NUL byte at decoded offset 0/);
  });

  // Regression: prepare.ts's gunzip() used to await a feeder still waiting for 'drain' on the inflater the consumer had
  // destroyed, so a rejection never settled once the compressed body outgrew the stream's buffer (64 MiB of zeros is
  // 64 KiB compressed): the invocation hung and the record went to the DLQ instead of quarantine.
  it("a large one (64 MiB of zeros) is rejected too, at once", async () => {
    expect(await outcome(await gzipBomb(64))).toMatch(/^binary content: NUL byte/);
  });

  it("a text bomb (64 MiB of spaces, over the 2 MiB record limit) is rejected at once", async () => {
    expect(await outcome(await gzipBomb(64, 0x20))).toMatch(/longer than 2097152 bytes/);
  });
});
