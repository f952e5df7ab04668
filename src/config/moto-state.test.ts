import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MOTO_STATE_FILE, readMoto } from "./moto-state.js";

describe("readMoto", () => {
  it("reads the server local/up recorded, and nothing from a missing or unreadable record", () => {
    // prepare
    const recorded = mkdtempSync(join(tmpdir(), "event-lake-moto-state-"));
    const server = {
      pid: 4242,
      port: 5001,
      endpoint: "http://127.0.0.1:5001",
      startedAt: "2026-12-06T07:00:00.000Z",
    };
    writeFileSync(join(recorded, MOTO_STATE_FILE), `${JSON.stringify(server, null, 2)}\n`);
    const garbled = mkdtempSync(join(tmpdir(), "event-lake-moto-state-"));
    writeFileSync(join(garbled, MOTO_STATE_FILE), "{ not json");

    // act, assess
    expect(MOTO_STATE_FILE).toBe("moto.json");
    expect(readMoto(recorded)).toEqual(server);
    expect(readMoto(garbled)).toBeUndefined();
    expect(readMoto(join(recorded, "absent"))).toBeUndefined();
  });
});
