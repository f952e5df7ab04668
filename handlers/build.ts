import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { layerEntries } from "./build/layer.js";
import { vendorPerFile } from "./build/source-map.js";
import { createZip, type ZipEntry } from "./build/zip.js";

/**
 * Bundles every `handlers/<name>/handler.ts` into `dist/handlers/<name>.zip` and the DuckDB layer into
 * `dist/handlers/layer-duckdb.zip`, byte-for-byte deterministic, plus `manifest.json` with each zip's hash.
 *
 *   node --import tsx handlers/build.ts [--out dist/handlers] [--only ingest,other]
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_OUT_DIR = join(REPO_ROOT, "dist", "handlers");
export const DUCKDB_LAYER = "layer-duckdb";
export const MANIFEST_FILE = "manifest.json";
/** Folders under handlers/ that hold code, not a Lambda. */
const NOT_HANDLERS = new Set(["shared", "build"]);

/**
 * Packages that ship in the DuckDB layer, not in the bundle (native code; `@duckdb/*` covers the bindings too).
 */
export const EXTERNAL_PACKAGES = ["@duckdb/*"] as const;

/**
 * esbuild's ESM output turns a bundled CommonJS `require("x")` into a shim that throws "Dynamic require of x is not
 * supported", and ESM has no `__dirname`/`__filename`. Several bundled dependencies (aws-xray-sdk-core under the
 * Powertools tracer) use both, so every bundle starts with real ones. The aliases avoid clashing with the bundle.
 */
export const ESM_BANNER = [
  'import { createRequire as __elCreateRequire } from "node:module";',
  'import { dirname as __elDirname } from "node:path";',
  'import { fileURLToPath as __elFileURLToPath } from "node:url";',
  "const require = __elCreateRequire(import.meta.url);",
  "const __filename = __elFileURLToPath(import.meta.url);",
  "const __dirname = __elDirname(__filename);",
].join("\n");

export interface ManifestEntry {
  readonly kind: "function" | "layer";
  /** The zip, relative to the manifest's folder. */
  readonly file: string;
  /** base64 SHA-256 of the zip: what Lambda reports as CodeSha256 and Terraform's `source_code_hash` compares. */
  readonly sha256: string;
  readonly size: number;
  /** Entry names, in archive order. */
  readonly entries: readonly string[];
  /** Layers only: hash of the files that went in, so an unchanged layer is not compressed again. */
  readonly inputs?: string;
}
export type Manifest = Readonly<Record<string, ManifestEntry>>;

export interface BuildOptions {
  /** Where zips and the manifest go. @default dist/handlers under the repository */
  readonly outDir?: string;
  /** Folder holding `<name>/handler.ts`. @default handlers/ under the repository */
  readonly handlersDir?: string;
  /** Build only these handlers. @default every handler found */
  readonly only?: readonly string[];
  /** Build the DuckDB layer too. @default true */
  readonly layer?: boolean;
}

export interface BuildResult {
  readonly outDir: string;
  readonly manifest: Manifest;
  readonly millis: number;
}

/** `<name>` of every `handlers/<name>/handler.ts`, sorted. */
export function discoverHandlers(handlersDir = join(REPO_ROOT, "handlers")): string[] {
  return readdirSync(handlersDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_HANDLERS.has(d.name))
    .filter((d) => existsSync(join(handlersDir, d.name, "handler.ts")))
    .map((d) => d.name)
    .sort();
}

/**
 * A glob import such as `import(\`…/definitions/${name}.ts\`)` would also match `x.test.ts` beside the declarations
 * and drag vitest into the bundle; test files become empty modules instead (handlers never import them).
 */
const noTestFiles: Plugin = {
  name: "no-test-files",
  setup(b) {
    b.onLoad({ filter: /\.test\.ts$/ }, () => ({ contents: "export {};", loader: "js" }));
  },
};

/**
 * Modules whose bundled contents are data computed here, at build time, by path under the handlers folder: the
 * source exports a placeholder (undefined unbundled) that the bundle replaces with `export const <name> = <JSON>`.
 * What needs the SQL parser (a curated table's columns are inferred from its transform) is computed here, so no
 * parser ships in a Lambda; the handler validates the data at init.
 */
export const BAKED_MODULES: Readonly<
  Record<string, { readonly name: string; readonly data: () => Promise<unknown> }>
> = {
  "orchestrator/declared-tables.ts": {
    name: "BAKED_DECLARED_TABLES",
    data: async () => {
      // Loaded only when a bundle needs them: the parser is a dev dependency of the build, never of a Lambda.
      const { DEFINITIONS_DIR } = await import("../src/core/load-pipeline.js");
      const { loadPipelines } = await import("../src/pipelines/index.js");
      const { declaredTables } = await import("../src/sql/layout.js");
      return declaredTables(await loadPipelines(join(REPO_ROOT, DEFINITIONS_DIR)));
    },
  },
};

function bakedModules(handlersDir: string): Plugin {
  const byPath = new Map(Object.entries(BAKED_MODULES).map(([path, m]) => [join(handlersDir, path), m]));
  return {
    name: "baked-modules",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const baked = byPath.get(args.path);
        if (!baked) return undefined;
        return {
          contents: `export const ${baked.name} = ${JSON.stringify(await baked.data())};`,
          loader: "js",
        };
      });
    },
  };
}

/** Bundles the handlers in memory: name -> files of its zip. */
export async function bundleHandlers(
  names: readonly string[],
  handlersDir = join(REPO_ROOT, "handlers"),
): Promise<Map<string, ZipEntry[]>> {
  const bundles = new Map<string, ZipEntry[]>(names.map((n) => [n, []]));
  if (names.length === 0) return bundles;
  // A fixed, virtual output folder: source-map paths are relative to it, so they never depend on --out.
  const virtualOut = join(REPO_ROOT, "dist", ".bundles");
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: names.map((name) => ({ in: join(handlersDir, name, "handler.ts"), out: `${name}/handler` })),
    outdir: virtualOut,
    outExtension: { ".js": ".mjs" },
    write: false,
    bundle: true,
    splitting: false,
    format: "esm",
    platform: "node",
    target: "node22",
    // ESM builds of the AWS SDK and Powertools tree-shake better than their CommonJS builds.
    mainFields: ["module", "main"],
    minify: true,
    // File:line mapping for stack traces (NODE_OPTIONS=--enable-source-maps) without shipping every source file;
    // vendor code is mapped per file, not per token (vendorPerFile, build/source-map.ts).
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "eof",
    external: [...EXTERNAL_PACKAGES],
    banner: { js: ESM_BANNER },
    plugins: [noTestFiles, bakedModules(handlersDir)],
    logLevel: "silent",
  });
  for (const file of result.outputFiles) {
    const [name, ...rest] = relative(virtualOut, file.path).split(sep);
    const entries = name === undefined ? undefined : bundles.get(name);
    if (!entries) throw new Error(`unexpected esbuild output ${file.path}`);
    const path = rest.join("/");
    const data = path.endsWith(".map") ? Buffer.from(vendorPerFile(file.text)) : Buffer.from(file.contents);
    entries.push({ path, data });
  }
  return bundles;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64");
}

function readManifest(outDir: string): Manifest {
  try {
    return JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), "utf8")) as Manifest;
  } catch {
    return {};
  }
}

/**
 * The layer zip takes ~2 s to compress, so it is rebuilt only when its inputs change: the zip is a pure function
 * of the entries, so a zip whose recorded inputs hash matches is the zip we would write.
 */
async function buildLayer(outDir: string, previous: Manifest): Promise<ManifestEntry> {
  const entries = layerEntries(REPO_ROOT);
  const inputs = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1)))
    inputs.update(`${e.path}\0${e.data.length}\0`).update(e.data);
  const inputsHash = inputs.digest("base64");
  const file = `${DUCKDB_LAYER}.zip`;
  const path = join(outDir, file);
  const cached = previous[DUCKDB_LAYER];
  if (cached?.inputs === inputsHash && existsSync(path)) {
    const zip = readFileSync(path);
    if (sha256(zip) === cached.sha256) return cached;
  }
  const zip = await createZip(entries, { level: 6 });
  writeFileSync(path, zip);
  return {
    kind: "layer",
    file,
    sha256: sha256(zip),
    size: zip.length,
    entries: entries.map((e) => e.path).sort(),
    inputs: inputsHash,
  };
}

/** Builds handler zips (and the layer), writes the manifest, and returns it. */
export async function buildHandlers(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const handlersDir = resolve(options.handlersDir ?? join(REPO_ROOT, "handlers"));
  const found = discoverHandlers(handlersDir);
  const unknown = (options.only ?? []).filter((n) => !found.includes(n));
  if (unknown.length > 0) throw new Error(`no handlers/<name>/handler.ts for: ${unknown.join(", ")}`);
  const names = options.only ? found.filter((n) => options.only?.includes(n)) : found;
  mkdirSync(outDir, { recursive: true });
  const previous = readManifest(outDir);

  const [bundles, layer] = await Promise.all([
    bundleHandlers(names, handlersDir),
    (options.layer ?? true) ? buildLayer(outDir, previous) : Promise.resolve(undefined),
  ]);
  const manifest: Record<string, ManifestEntry> = {};
  for (const [name, entries] of bundles) {
    const zip = await createZip(entries);
    const file = `${name}.zip`;
    writeFileSync(join(outDir, file), zip);
    manifest[name] = {
      kind: "function",
      file,
      sha256: sha256(zip),
      size: zip.length,
      entries: entries.map((e) => e.path).sort(),
    };
  }
  if (layer) manifest[DUCKDB_LAYER] = layer;
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, manifest, millis: Math.round(performance.now() - started) };
}

/** The manifest a build wrote, with absolute zip paths, for the stack (`filename` + `sourceCodeHash`). */
export function loadManifest(outDir = DEFAULT_OUT_DIR): Record<string, ManifestEntry & { path: string }> {
  const manifest = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), "utf8")) as Manifest;
  return Object.fromEntries(
    Object.entries(manifest).map(([name, entry]) => [
      name,
      { ...entry, path: join(resolve(outDir), entry.file) },
    ]),
  );
}

function parseArgs(argv: readonly string[]): BuildOptions {
  const options: { outDir?: string; only?: string[]; layer?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") options.outDir = argv[++i];
    else if (arg === "--only") options.only = (argv[++i] ?? "").split(",").filter((s) => s !== "");
    else if (arg === "--no-layer") options.layer = false;
    else
      throw new Error(
        `unknown argument ${arg}; usage: handlers/build.ts [--out DIR] [--only a,b] [--no-layer]`,
      );
  }
  return options;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, manifest, millis } = await buildHandlers(parseArgs(process.argv.slice(2)));
  for (const [name, e] of Object.entries(manifest))
    console.log(`${name.padEnd(16)} ${(e.size / 1024).toFixed(1).padStart(9)} KiB  ${e.sha256}`);
  console.log(
    `built ${Object.keys(manifest).length} zips into ${relative(process.cwd(), outDir).replace(/^$/, ".")} in ${millis} ms`,
  );
}
