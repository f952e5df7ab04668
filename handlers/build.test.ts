import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "./build/zip.js";
import {
  type BuildResult,
  buildHandlers,
  DUCKDB_LAYER,
  discoverHandlers,
  ESM_BANNER,
  REPO_ROOT,
} from "./build.js";

const work = mkdtempSync(join(tmpdir(), "handlers-build-"));
const FIXTURES = join(REPO_ROOT, "handlers", "build", "fixtures");
const MiB = 1024 * 1024;
let first: BuildResult;
let second: BuildResult;
let duck: BuildResult;

/** Unpacks a zip into `dir` and returns `dir`. */
function extract(zipFile: string, dir: string): string {
  for (const entry of readZip(readFileSync(zipFile))) {
    mkdirSync(dirname(join(dir, entry.path)), { recursive: true });
    writeFileSync(join(dir, entry.path), entry.read());
  }
  return dir;
}

/** Runs `code` as an ES module in a fresh node, the way the Lambda runtime loads a handler. */
function nodeEval(
  code: string,
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", ...env },
  });
}

beforeAll(async () => {
  // Two builds into different folders, concurrently; a third of a fixture handler that needs the layer.
  [first, second, duck] = await Promise.all([
    buildHandlers({ outDir: join(work, "a"), only: ["ingest"] }),
    buildHandlers({ outDir: join(work, "b"), only: ["ingest"] }),
    buildHandlers({ outDir: join(work, "duck"), handlersDir: FIXTURES, layer: false }),
  ]);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("buildHandlers", () => {
  it("finds every handlers/<name>/handler.ts except shared code", () => {
    // act
    const names = discoverHandlers();

    // assess
    expect(names).toContain("ingest");
    expect(names).not.toContain("shared");
    expect(names).not.toContain("build");
    expect(discoverHandlers(FIXTURES)).toEqual(["duck"]);
  });

  it("gives byte-identical zips and manifests from two builds into different folders", () => {
    // act
    const files = Object.values(first.manifest).map((e) => e.file);

    // assess
    expect(Object.keys(first.manifest)).toEqual(["ingest", DUCKDB_LAYER]);
    expect(second.manifest).toEqual(first.manifest);
    for (const file of files) {
      const a = readFileSync(join(first.outDir, file));
      expect(readFileSync(join(second.outDir, file)).equals(a)).toBe(true);
      const entry = Object.values(first.manifest).find((e) => e.file === file);
      expect(createHash("sha256").update(a).digest("base64")).toBe(entry?.sha256);
      expect(a.length).toBe(entry?.size);
    }
  });

  it("reuses an unchanged layer zip on rebuild and writes the same manifest", async () => {
    // act
    const again = await buildHandlers({ outDir: first.outDir, only: ["ingest"] });

    // assess
    expect(again.manifest).toEqual(first.manifest);
  });

  it("packs a handler as handler.mjs plus its source map, under 1 MiB, with the AWS SDK inside", () => {
    // prepare
    const zip = readZip(readFileSync(join(first.outDir, "ingest.zip")));
    const bundle =
      zip
        .find((e) => e.path === "handler.mjs")
        ?.read()
        .toString("utf8") ?? "";
    const map = JSON.parse(
      zip
        .find((e) => e.path === "handler.mjs.map")
        ?.read()
        .toString("utf8") ?? "{}",
    );

    // assess
    expect(zip.map((e) => e.path)).toEqual(["handler.mjs", "handler.mjs.map"]);
    expect(first.manifest.ingest?.size).toBeLessThan(MiB);
    expect(bundle.startsWith(`${ESM_BANNER}\n`)).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=handler\.mjs\.map\n$/);
    expect(bundle).not.toMatch(/from\s*"@aws-sdk\//);
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources).toContain("../../../handlers/ingest/ingest.ts");
  });

  it("packs the DuckDB layer under nodejs/node_modules with its runtime dependencies and nothing else", () => {
    // prepare
    const entries = first.manifest[DUCKDB_LAYER]?.entries ?? [];
    const packages = new Set(
      entries.map((p) =>
        p
          .split("/")
          .slice(2, p.split("/")[2]?.startsWith("@") ? 4 : 3)
          .join("/"),
      ),
    );

    // assess
    expect([...packages].sort()).toEqual([
      "@duckdb/node-api",
      "@duckdb/node-bindings",
      "@duckdb/node-bindings-linux-x64",
      "detect-libc",
    ]);
    expect(entries).toContain("nodejs/node_modules/@duckdb/node-bindings-linux-x64/duckdb.node");
    expect(entries).toContain("nodejs/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so");
    expect(entries).toContain("nodejs/node_modules/@duckdb/node-api/package.json");
    expect(entries.filter((p) => /\.d\.ts$|\.map$|README\.md$/.test(p))).toEqual([]);
    expect(readZip(readFileSync(join(first.outDir, `${DUCKDB_LAYER}.zip`))).map((e) => e.path)).toEqual(
      entries,
    );
  });

  it("imports the built ingest bundle cleanly under node from the extracted zip", () => {
    // prepare
    const dir = extract(join(first.outDir, "ingest.zip"), join(work, "ingest-task"));
    const url = pathToFileURL(join(dir, "handler.mjs")).href;

    // act
    const run = nodeEval(`const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`, {
      DROP_BUCKET: "drop",
      RUNS_TABLE: "runs",
    });

    // assess
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.trim()).toBe("function");
    expect(run.status).toBe(0);
  });

  it("keeps @duckdb/* out of the bundle and runs it against the layer's packages", () => {
    // prepare: the task and the layer side by side, node_modules resolving into the layer as it does in Lambda
    const task = extract(join(duck.outDir, "duck.zip"), join(work, "duck-task"));
    const opt = extract(join(first.outDir, `${DUCKDB_LAYER}.zip`), join(work, "opt"));
    symlinkSync(join(opt, "nodejs", "node_modules"), join(task, "node_modules"));
    const bundle = readFileSync(join(task, "handler.mjs"), "utf8");
    const url = pathToFileURL(join(task, "handler.mjs")).href;

    // act
    const run = nodeEval(`const m = await import(${JSON.stringify(url)}); console.log(await m.handler());`);

    // assess
    expect(bundle).toMatch(/from\s*"@duckdb\/node-api"/);
    expect(duck.manifest.duck?.size).toBeLessThan(10 * 1024);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("42");
  });

  it("names unknown handlers asked for with only", async () => {
    // act / assess
    await expect(
      buildHandlers({ outDir: join(work, "x"), only: ["nope", "ingest"], layer: false }),
    ).rejects.toThrow("no handlers/<name>/handler.ts for: nope");
  });
});
