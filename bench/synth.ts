/**
 * Synth benchmark: wall time and peak RSS of synthesizing every environment with the compiled app, beside a
 * baseline that is the same app with every deep import rewritten to the package root of @cdktf/provider-aws.
 * Figures are medians of RUNS child processes. Writes bench/out/synth.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
// Bundles go inside the repo (ignored) so their bare imports resolve from node_modules; output goes to /tmp.
mkdirSync("bench/out", { recursive: true });
const work = mkdtempSync(join("bench/out", "synth-"));
const outRoot = mkdtempSync(join(tmpdir(), "bench-synth-"));

/** `@cdktf/provider-aws/lib/s3-bucket` -> the `s3Bucket` namespace of the package root. */
const rootImports: Plugin = {
  name: "provider-root",
  setup(b) {
    b.onResolve({ filter: /^@cdktf\/provider-aws\/lib\// }, (args) => ({
      path: args.path,
      namespace: "root-shim",
    }));
    b.onLoad({ filter: /.*/, namespace: "root-shim" }, (args) => {
      const folder = args.path.replace("@cdktf/provider-aws/lib/", "");
      const name = folder.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      return {
        contents: `module.exports = require("@cdktf/provider-aws").${name};`,
        loader: "js",
        resolveDir: process.cwd(),
      };
    });
  },
};

async function bundle(outfile: string, plugins: Plugin[]): Promise<void> {
  await build({
    entryPoints: ["main.ts"],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile,
    plugins,
    logLevel: "warning",
  });
}

function measure(script: string): { seconds: number; rssMb: number } {
  const outdir = mkdtempSync(join(outRoot, "out-"));
  const started = process.hrtime.bigint();
  const child = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, script], {
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    cwd: process.cwd(),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`${script} failed: ${child.stderr}`);
  const kb = Number(child.stderr.trim().split("\n").at(-1));
  return { seconds, rssMb: kb / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function run(script: string) {
  const samples = Array.from({ length: RUNS }, () => measure(script));
  return { seconds: median(samples.map((s) => s.seconds)), rssMb: median(samples.map((s) => s.rssMb)) };
}

const deep = join(work, "deep.cjs");
const root = join(work, "root.cjs");
await bundle(deep, []);
await bundle(root, [rootImports]);
const ours = run(deep);
const baseline = run(root);
const result = {
  benchmark: "synth all environments (test, sandbox, local, bootstrap)",
  runs: RUNS,
  deepImports: ours,
  packageRoot: baseline,
  speedup: baseline.seconds / ours.seconds,
  memoryRatio: baseline.rssMb / ours.rssMb,
  targets: { seconds: 1.5, rssMb: 300 },
  meetsTargets: ours.seconds < 1.5 && ours.rssMb < 300,
};
console.log(`synth, all environments, median of ${RUNS} runs`);
console.log(
  `  deep imports : ${ours.seconds.toFixed(2)} s, ${ours.rssMb.toFixed(0)} MB peak RSS   (target < 1.5 s, < 300 MB)`,
);
console.log(
  `  package root : ${baseline.seconds.toFixed(2)} s, ${baseline.rssMb.toFixed(0)} MB peak RSS   (baseline)`,
);
console.log(
  `  ratio        : ${result.speedup.toFixed(1)}x faster, ${result.memoryRatio.toFixed(1)}x less memory`,
);
mkdirSync("bench/out", { recursive: true });
writeFileSync("bench/out/synth.json", `${JSON.stringify(result, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
rmSync(outRoot, { recursive: true, force: true });
