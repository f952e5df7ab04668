import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { ZipEntry } from "./zip.js";

/**
 * The DuckDB layer: `@duckdb/node-api` and its bindings, which handlers keep external because the native library
 * alone is 68 MB. x86_64 glibc only (`@duckdb/node-bindings-linux-x64`), the architecture of this machine, so the
 * binary the tests load is the one Lambda loads.
 */
export const DUCKDB_LAYER_ROOTS = ["@duckdb/node-api", "@duckdb/node-bindings-linux-x64"] as const;

/** Type declarations, source maps and READMEs are never loaded at run time. */
const SKIPPED = /(\.d\.[cm]?ts|\.map|^README\.md)$/;

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** Finds `name` the way Node does from `fromDir`: the nearest node_modules up the tree. */
function resolvePackage(name: string, fromDir: string, root: string): string {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  throw new Error(`layer: cannot find package ${name} from ${fromDir}; run npm ci`);
}

/**
 * Package directories of `roots` and their runtime `dependencies` (never optional ones: the only platform binding we
 * want is named in the roots), sorted by layer path.
 */
export function layerPackages(root: string, roots: readonly string[] = DUCKDB_LAYER_ROOTS): string[] {
  const seen = new Map<string, string>();
  const visit = (name: string, fromDir: string) => {
    const dir = resolvePackage(name, fromDir, root);
    if (seen.has(dir)) return;
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
    seen.set(dir, pkg.name);
    for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) visit(dep, dir);
  };
  for (const name of roots) visit(name, root);
  return [...seen.keys()].sort();
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue; // nested packages are visited as packages
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile() && !SKIPPED.test(entry.name)) out.push(path);
    else if (entry.isSymbolicLink()) throw new Error(`layer: symbolic link ${path} is not supported`);
  }
  return out;
}

/** Zip entries of the layer, each under `nodejs/node_modules/…` where the Lambda runtime looks for packages. */
export function layerEntries(root: string, roots: readonly string[] = DUCKDB_LAYER_ROOTS): ZipEntry[] {
  const modules = join(root, "node_modules");
  return layerPackages(root, roots).flatMap((dir) =>
    filesUnder(dir).map((file) => ({
      path: `nodejs/node_modules/${relative(modules, file).split(sep).join("/")}`,
      data: readFileSync(file),
    })),
  );
}
