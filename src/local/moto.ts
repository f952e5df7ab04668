import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { MOTO_STATE_FILE, type MotoServer, readMoto } from "../config/moto-state.js";

export type { MotoServer } from "../config/moto-state.js";

/** True when `pid` is alive and is a moto_server listening on `port` (so we never signal a stranger). */
export function isOurMoto(server: MotoServer): boolean {
  try {
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0");
    return cmdline.some((a) => a.endsWith("moto_server")) && cmdline.includes(String(server.port));
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function motoInstalled(): boolean {
  return spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;
}

/**
 * Starts moto_server on 127.0.0.1 (a free port unless given), records it in `dir`, and waits until it answers.
 * Reuses a server already recorded there and still alive.
 */
export async function startMoto(options: {
  dir: string;
  port?: number;
  timeoutMs?: number;
}): Promise<MotoServer> {
  const dir = resolve(options.dir);
  const existing = readMoto(dir);
  if (existing && isOurMoto(existing) && (await answers(existing.endpoint))) return existing;
  if (!motoInstalled())
    throw new Error(
      "moto_server not found: install moto 5.2 with its server extra (pip install 'moto[server]==5.2.1')",
    );
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const log = openSync(join(dir, "moto.log"), "a");
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
  });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error("moto_server did not start");
  const server: MotoServer = {
    pid: child.pid,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    startedAt: new Date().toISOString(),
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await answers(server.endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stopPid(server.pid);
      throw new Error(`moto_server on port ${port} did not answer; see ${join(dir, "moto.log")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  writeFileSync(join(dir, MOTO_STATE_FILE), `${JSON.stringify(server, null, 2)}\n`);
  return server;
}

/** Stops the recorded server (only if it is still ours) and deletes `dir`: moto's data and the local state. */
export async function stopMoto(dir: string): Promise<{ stopped: boolean }> {
  const server = readMoto(resolve(dir));
  let stopped = false;
  if (server && isOurMoto(server)) {
    stopPid(server.pid);
    for (let i = 0; i < 50 && isOurMoto(server); i++) await new Promise((r) => setTimeout(r, 100));
    if (isOurMoto(server)) process.kill(server.pid, "SIGKILL");
    stopped = true;
  }
  rmSync(resolve(dir), { recursive: true, force: true });
  return { stopped };
}

function stopPid(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}
