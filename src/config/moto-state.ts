import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The moto server `make local/up` started, as it records it in the local environment's state folder. The config reads
 * it (a recorded port wins over the configured endpoint); starting and stopping moto is the local tooling's
 * (src/local/moto.ts).
 */
export interface MotoServer {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  readonly startedAt: string;
}

export const MOTO_STATE_FILE = "moto.json";

/** The server recorded in `dir`, if there is a readable record (whether it still runs is not checked here). */
export function readMoto(dir: string): MotoServer | undefined {
  const file = join(dir, MOTO_STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as MotoServer;
  } catch {
    return undefined;
  }
}
