/**
 * `make local` end to end, timed as a child process: cold (after `make local/down`: fresh moto, empty state) and
 * warm (a second run against the same moto and state: nothing to change). One run each: they take minutes.
 *
 * It runs with its own local state dir (EVENT_LAKE_LOCAL_STATE_DIR=.eventlake/bench-local), so it never stops or
 * reuses the moto another `make local` in this tree recorded in .eventlake/local; it tears its own down at the end.
 * What it shares with other runs: dist/ and cdktf.out/stacks/local/ (synth output, provider cache, saved plan), so do
 * not run it while someone else runs `make local` in the same tree. "Cold" keeps node_modules, dist/ and the
 * provider cache: it measures moto, synth, init, plan and apply, not the npm install.
 *
 *   node --import tsx bench/local.ts      (writes bench/out/local.json)
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const OUT_FILE = join(HERE, "out", "local.json");
const STATE_DIR = resolve(ROOT, ".eventlake", "bench-local");
/** A bound on one `make local`; each terraform step inside it is bounded by LOCAL_APPLY_TIMEOUT too. */
const TIMEOUT_MS = 20 * 60 * 1000;

interface MakeRun {
  readonly seconds: number;
  readonly ok: boolean;
  readonly tail: string;
}

function make(target: string): Promise<MakeRun> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn("make", [target], {
      cwd: ROOT,
      env: { ...process.env, EVENT_LAKE_LOCAL_STATE_DIR: STATE_DIR },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGINT"), TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const tail = output.trimEnd().split("\n").slice(-15).join("\n");
      process.stderr.write(`  make ${target}: ${seconds.toFixed(1)} s, exit ${code}\n`);
      done({ seconds, ok: code === 0, tail });
    });
  });
}

const down = await make("local/down");
const cold = await make("local");
const warm = cold.ok ? await make("local") : undefined;
await make("local/down");

const report = {
  measuredAt: new Date().toISOString(),
  runs: 1,
  stateDir: STATE_DIR,
  coldSeconds: cold.ok ? cold.seconds : null,
  warmSeconds: warm?.ok ? warm.seconds : null,
  targets: { warmSeconds: 60, coldSeconds: 240 },
  errors: [down, cold, warm].filter((r): r is MakeRun => r !== undefined && !r.ok).map((r) => r.tail),
};
mkdirSync(dirname(OUT_FILE), { recursive: true });
writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `make local: cold ${report.coldSeconds?.toFixed(1) ?? "failed"} s, warm ${report.warmSeconds?.toFixed(1) ?? "failed"} s`,
);
if (report.errors.length > 0) console.log(report.errors.join("\n---\n"));
