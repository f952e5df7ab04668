import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFINITIONS_DIR } from "../src/core/load-pipeline.js";
import { readZip } from "../src/local/zip.js";
import { loadPipelines } from "../src/pipelines/index.js";
import { declaredTables } from "../src/sql/layout.js";
import { allows, ruleFor } from "../src/testing/import-rules.js";
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
let every: BuildResult;

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
  // Two builds into different folders, concurrently; a third of a fixture handler that needs the layer; a fourth of
  // every handler, as make handlers builds them.
  [first, second, duck, every] = await Promise.all([
    buildHandlers({ outDir: join(work, "a"), only: ["ingest"] }),
    buildHandlers({ outDir: join(work, "b"), only: ["ingest"] }),
    buildHandlers({ outDir: join(work, "duck"), handlersDir: FIXTURES, layer: false }),
    buildHandlers({ outDir: join(work, "every"), layer: false }),
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
    expect(discoverHandlers(FIXTURES)).toEqual(["duck", "traces"]);
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

  it("imports the built ingest bundle cleanly under node from the extracted zip, its declarations from the bundle", () => {
    // prepare
    const dir = extract(join(first.outDir, "ingest.zip"), join(work, "ingest-task"));
    const url = pathToFileURL(join(dir, "handler.mjs")).href;
    const context = "{ getRemainingTimeInMillis: () => 1000, functionName: 'ingest', awsRequestId: 'r' }";

    // act: init, then a pipeline the bundle's table of declarations does not hold (fails before any AWS call)
    const run = nodeEval(
      [
        `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
        `await m.handler({ pipeline: "no_such_pipeline" }, ${context}).catch((e) => console.log(e.message));`,
      ].join("\n"),
      { DROP_BUCKET: "drop", RUNS_TABLE: "runs" },
    );

    // assess
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("{"))).toEqual([
      "function",
      'unknown pipeline "no_such_pipeline": no src/pipelines/definitions/no_such_pipeline.ts in this build',
    ]);
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

  it("maps our code by line and vendor code by file: a stack trace names both, and the map is smaller than the code", () => {
    // prepare: a fixture handler that fails inside Powertools, run as Lambda runs it (--enable-source-maps)
    const task = extract(join(duck.outDir, "traces.zip"), join(work, "traces-task"));
    const url = pathToFileURL(join(task, "handler.mjs")).href;
    const fixtureLine =
      readFileSync(join(FIXTURES, "traces", "handler.ts"), "utf8")
        .split("\n")
        .findIndex((l) => l.includes("processPartialResponse(JSON")) + 1;

    // act
    const run = nodeEval(
      `const m = await import(${JSON.stringify(url)}); await m.handler().catch((e) => console.log(e.stack));`,
      { NODE_OPTIONS: "--enable-source-maps" },
    );
    const sizes = Object.fromEntries(
      ["drop-to-raw", "ingest", "orchestrator"].map((name) => {
        const files = readZip(readFileSync(join(every.outDir, `${name}.zip`)));
        const size = (path: string) => files.find((e) => e.path === path)?.read().length ?? Number.NaN;
        return [name, { code: size("handler.mjs"), map: size("handler.mjs.map") }];
      }),
    );

    // assess: the vendor frame at its file's line 1, ours at the exact line; every map below its bundle's size
    expect(fixtureLine).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/UnexpectedBatchTypeError/);
    expect(run.stdout).toMatch(
      /node_modules\/@aws-lambda-powertools\/batch\/lib\/esm\/processPartialResponse\.js:1:1\b/,
    );
    expect(run.stdout).toMatch(new RegExp(`handlers/build/fixtures/traces/handler\\.ts:${fixtureLine}:`));
    for (const { code, map } of Object.values(sizes)) expect(map).toBeLessThan(code / 2);
  });

  it("ships no dev dependency (the SQL parser, zod) in any function bundle, and from src/ only the core and the declarations", () => {
    // prepare: what esbuild put in each zip, from its source map (paths relative to dist/.bundles/<name>/)
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    /** The installed package a bundled file comes from (`node_modules/a/node_modules/b`), if any. */
    const packageOf = (path: string) =>
      path.match(/^(?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+/)?.[0].slice(0, -1);
    const sources = (name: string): string[] => {
      const map = readZip(readFileSync(join(every.outDir, `${name}.zip`)))
        .find((e) => e.path === "handler.mjs.map")
        ?.read()
        .toString("utf8");
      return (JSON.parse(map ?? "{}") as { sources: string[] }).sources.map((s) =>
        s.replace(/^(\.\.\/){3}/, ""),
      );
    };
    const functions = Object.keys(every.manifest).sort();

    // act
    const problems = functions.flatMap((name) =>
      sources(name).flatMap((path) => {
        const pkg = packageOf(path);
        if (pkg !== undefined)
          return lock.packages[pkg]?.dev === true ? [`${name}: dev dependency ${pkg}`] : [];
        // The files of the repository: what the import rules let handlers import (src/testing/import-rules.ts).
        const rule = ruleFor(`handlers/${name}/handler.ts`);
        return rule && allows(rule, path) ? [] : [`${name}: ${path} is outside what handlers may import`];
      }),
    );

    // assess: every handler checked; the lock marks the parser as dev, so the check would see it
    expect(functions).toEqual(discoverHandlers());
    expect(functions).toContain("orchestrator");
    expect(lock.packages[packageOf("node_modules/node-sql-parser/build/trino.js") ?? ""]?.dev).toBe(true);
    expect(sources("orchestrator").filter((s) => /node-sql-parser|\/zod\/|src\/sql\//.test(s))).toEqual([]);
    expect(problems).toEqual([]);
    // the declarations reach the two handlers that load them (handlers/shared/pipelines.ts), and only those
    const declarations = (name: string) => sources(name).filter((s) => s.startsWith("src/pipelines/"));
    const shipped = ["airports", "clickstream", "orders"].map((p) => `src/pipelines/definitions/${p}.ts`);
    expect(declarations("drop-to-raw")).toEqual(shipped);
    expect(declarations("ingest")).toEqual(shipped);
    expect(declarations("orchestrator")).toEqual([]);
  });

  it("bakes every declared pipeline's raw and curated tables into the orchestrator, checked at its init", async () => {
    // prepare: the tables as the build computes them, printed as esbuild's minifier prints the literal
    const tables = declaredTables(await loadPipelines(join(REPO_ROOT, DEFINITIONS_DIR)));
    const printed = (cols: readonly { name: string; type: string }[]) =>
      cols.map((c) => `{name:"${c.name}",type:"${c.type}"}`).join(",");
    const task = extract(join(every.outDir, "orchestrator.zip"), join(work, "orchestrator-task"));
    const bundle = readFileSync(join(task, "handler.mjs"), "utf8");
    const env = {
      CRAWLERS: '{"drop":"c1","raw":"c2","curated":"c3"}',
      DATABASES: '{"drop":"d1","raw":"d2","curated":"d3"}',
      RAW_BUCKET: "raw",
      CURATED_BUCKET: "curated",
      LEDGER_TABLE: "runs",
      ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:111111111111:alerts",
      TRANSFORMS: '{"orders":"s:orders","airports":"g:airports"}',
      TRANSFORM_NAME_PREFIX: "lake-curated-",
      STATE_MACHINE_ARN_PREFIX: "arn:aws:states:eu-west-1:111111111111:stateMachine:",
      PIPELINES: JSON.stringify([...Object.keys(tables), "not_declared"]),
    };
    const url = JSON.stringify(pathToFileURL(join(task, "handler.mjs")).href);

    // act: init with every declared pipeline and one the bundle does not know
    const run = nodeEval(`const m = await import(${url}); console.log(typeof m.handler);`, env);

    // assess
    expect(Object.keys(tables)).toEqual(["airports", "clickstream", "orders"]);
    for (const [pipeline, t] of Object.entries(tables))
      expect(bundle).toContain(`${pipeline}:{raw:[${printed(t.raw)}],curated:[${printed(t.curated)}]}`);
    expect(run.status, run.stderr).toBe(0);
    const warnings = `${run.stdout}\n${run.stderr}`
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: string; message: string; undeclared?: string[] });
    expect(warnings.map((w) => [w.level, w.message, w.undeclared])).toEqual([
      [
        "WARN",
        "pipelines without declared tables in this bundle: their drift is not checked",
        ["not_declared"],
      ],
    ]);
    expect(run.stdout.trim().split("\n").at(-1)).toBe("function");
  });

  it("names unknown handlers asked for with only", async () => {
    // act / assess
    await expect(
      buildHandlers({ outDir: join(work, "x"), only: ["nope", "ingest"], layer: false }),
    ).rejects.toThrow("no handlers/<name>/handler.ts for: nope");
  });
});
