import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMoto } from "../config/moto-state.js";
import { isOurMoto } from "./moto.js";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });

describe("local up / down", () => {
  it("starts moto on a free loopback port, records it, and stops exactly that process", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "event-lake-moto-")), "state");

    const up = cli("local", "up", dir);
    const server = readMoto(dir);

    expect(up.status, up.stderr).toBe(0);
    expect(server?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server && isOurMoto(server)).toBe(true);
    const response = await fetch(`${server?.endpoint}/moto-api/`);
    expect(response.status).toBe(200);

    const again = cli("local", "up", dir);
    expect(again.stdout).toContain(`pid ${server?.pid}`);

    const down = cli("local", "down", dir);
    expect(down.status, down.stderr).toBe(0);
    expect(server && isOurMoto(server)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }, 90_000);

  it("stops nothing when the recorded pid is not a moto of ours", () => {
    expect(isOurMoto({ pid: process.pid, port: 1, endpoint: "http://127.0.0.1:1", startedAt: "" })).toBe(
      false,
    );
  });
});
