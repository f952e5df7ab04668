import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readZip } from "../../src/local/zip.js";
import { createZip } from "./zip.js";

const dir = mkdtempSync(join(tmpdir(), "zip-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("createZip", () => {
  it("writes the same bytes whatever the entry order, with fixed metadata on every entry", async () => {
    // prepare
    const a = { path: "b/two.txt", data: Buffer.from("two ".repeat(100)) };
    const b = { path: "a.txt", data: Buffer.from("one") };

    // act
    const first = await createZip([a, b]);
    const second = await createZip([b, a]);
    const listing = readZip(first);

    // assess
    expect(second.equals(first)).toBe(true);
    expect(listing.map((e) => e.path)).toEqual(["a.txt", "b/two.txt"]);
    expect(listing.map((e) => [e.mode.toString(8), e.madeBy, e.dosDate, e.dosTime, e.extraLength])).toEqual([
      ["100644", (3 << 8) | 20, 0x21, 0, 0],
      ["100644", (3 << 8) | 20, 0x21, 0, 0],
    ]);
    expect(listing.map((e) => e.method)).toEqual([0, 8]); // 3 bytes do not deflate smaller: stored
    expect(listing[1]?.read().toString()).toBe("two ".repeat(100));
  });

  it("is read back intact by an independent unzip", async () => {
    // prepare
    const file = join(dir, "check.zip");
    writeFileSync(
      file,
      await createZip([
        { path: "nodejs/x.js", data: Buffer.from("module.exports = 1;\n") },
        { path: "empty", data: Buffer.alloc(0) },
      ]),
    );

    // act
    const test = spawnSync("unzip", ["-t", file], { encoding: "utf8" });
    const names = spawnSync("unzip", ["-Z1", file], { encoding: "utf8" });

    // assess
    expect(test.status).toBe(0);
    expect(names.stdout.trim().split("\n")).toEqual(["empty", "nodejs/x.js"]);
  });

  it("refuses duplicate and unsafe paths", async () => {
    // act / assess
    await expect(
      createZip([
        { path: "x", data: Buffer.from("1") },
        { path: "x", data: Buffer.from("2") },
      ]),
    ).rejects.toThrow("duplicate zip entry x");
    await expect(createZip([{ path: "../x", data: Buffer.from("1") }])).rejects.toThrow(
      "unsafe zip entry path ../x",
    );
    await expect(createZip([{ path: "/etc/x", data: Buffer.from("1") }])).rejects.toThrow(
      "unsafe zip entry path /etc/x",
    );
  });
});
