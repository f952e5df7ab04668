import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { creatorOf } from "../../modules/aws-context/index.js";
import { buildApp } from "../app.js";
import { loadConfig } from "../config/index.js";
import { loadPipelines } from "../pipelines/index.js";

/** The committed index: which construct creates which Terraform resource type, in every stack. */
export const RESOURCES_FILE = "docs/resources.md";
export const RESOURCES_COMMAND = "node --import tsx src/cli/resources.ts";

/** One resource type as one owner creates it. */
export interface ResourceRow {
  /** `aws_s3_bucket`. */
  readonly type: string;
  /** `modules/zone-bucket (ZoneBucket)`, or `src/stacks` for a resource a stack creates itself (see ownerOf). */
  readonly owner: string;
  /** The stacks it appears in, in app order. */
  readonly stacks: readonly string[];
  /** The first construct path (sorted) of such a resource, below its stack. */
  readonly example: string;
}

/** Every class and function a module's index exports, with the module folder it comes from. */
export async function moduleCode(): Promise<Map<unknown, string>> {
  const root = join(import.meta.dirname, "..", "..", "modules");
  const owners = new Map<unknown, string>();
  for (const name of readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const exports = (await import(
      /* @vite-ignore */ pathToFileURL(join(root, name, "index.ts")).href
    )) as Record<string, unknown>;
    for (const value of Object.values(exports))
      if (typeof value === "function" && !owners.has(value))
        owners.set(value, `modules/${name} (${(value as { name: string }).name})`);
  }
  return owners;
}

/**
 * Who creates `node`: the nearest module construct that encloses it; else, for a module that adds no level to the
 * construct tree (or a helper), the module its createdBy record names (modules/aws-context); else `src/stacks`.
 */
export function ownerOf(node: IConstruct, owners: Map<unknown, string>): string {
  for (let scope: IConstruct | undefined = node.node.scope; scope; scope = scope.node.scope) {
    const owner = owners.get(scope.constructor);
    if (owner) return owner;
  }
  for (let scope: IConstruct | undefined = node; scope; scope = scope.node.scope) {
    const creator = creatorOf(scope);
    if (creator === undefined) continue;
    const owner = owners.get(creator);
    if (owner) return owner;
    throw new Error(
      `${node.node.path}: its createdBy record names ${creator.name}, which no modules/*/index.ts exports; export it from its module's index`,
    );
  }
  return "src/stacks";
}

/** Synthesizes the app (every environment and the bootstrap stack) and lists who creates each resource type. */
export async function resourceIndex(): Promise<ResourceRow[]> {
  const outdir = mkdtempSync(join(tmpdir(), "event-lake-resources-"));
  try {
    const config = loadConfig({ env: { EVENT_LAKE_LOCAL_STATE_DIR: join(outdir, "local-state") } });
    const app = buildApp({
      config,
      pipelines: await loadPipelines(),
      outdir,
      bootstrapStateDir: join(outdir, "bootstrap-state"),
    });
    app.synth(); // aspects run here, and may add resources
    const owners = await moduleCode();
    const rows = new Map<string, { type: string; owner: string; stacks: string[]; paths: string[] }>();
    for (const stack of app.node.children) {
      for (const node of stack.node.findAll()) {
        // Resources only (what the plan creates): data sources and providers are other classes.
        if (!(node instanceof TerraformResource)) continue;
        const type = node.terraformResourceType;
        const owner = ownerOf(node, owners);
        const key = `${type}\u0000${owner}`;
        const row = rows.get(key) ?? { type, owner, stacks: [], paths: [] };
        if (!row.stacks.includes(stack.node.id)) row.stacks.push(stack.node.id);
        row.paths.push(node.node.path.slice(stack.node.id.length + 1));
        rows.set(key, row);
      }
    }
    return [...rows.values()]
      .map(({ type, owner, stacks, paths }) => ({ type, owner, stacks, example: [...paths].sort()[0] ?? "" }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.owner.localeCompare(b.owner));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A Markdown table with its cells padded, as the formatter (Biome) writes it. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(3, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(rows[0] ?? []), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)];
}

/** The Markdown of docs/resources.md. */
export function renderIndex(rows: readonly ResourceRow[]): string {
  const types = new Set(rows.map((r) => r.type)).size;
  return [
    "# Terraform resource types and the modules that create them",
    "",
    `Generated by \`make resources\` (\`${RESOURCES_COMMAND}\`) from a synth of every stack; a test fails`,
    "when it is stale. Each row is a resource type as one module creates it, named by folder and by the class or",
    "helper function its index exports: the nearest module construct that encloses the resource; for a module that",
    "adds no level to the construct tree (it creates its resources directly in the scope it is given, so their",
    "addresses stay short), or a helper such as `logGroupKey`, the module its code records with `createdBy`",
    "(modules/aws-context: node metadata, not synthesized), the last record winning so a module claims what its",
    "helpers made for it; `src/stacks` only for what a stack creates itself. The example is one construct path below",
    "the stack (the Terraform address derives from it: renaming a construct id on it replaces the resource).",
    `${types} resource types, ${rows.length} rows. Data sources and providers are not listed.`,
    "",
    ...table([
      ["resource type", "created by", "stacks", "e.g. construct path"],
      ...rows.map((r) => [`\`${r.type}\``, r.owner, r.stacks.join(", "), `\`${r.example}\``]),
    ]),
    "",
  ].join("\n");
}

/** `--check`: exit 1 when the committed index is stale. Otherwise write it. */
export async function resourcesCommand(
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  if (argv.some((a) => a !== "--check")) {
    print(`usage: ${RESOURCES_COMMAND} [--check]`);
    return 2;
  }
  const text = renderIndex(await resourceIndex());
  if (argv.includes("--check")) {
    const same = readFileSync(RESOURCES_FILE, "utf8") === text;
    print(same ? `${RESOURCES_FILE} is up to date` : `${RESOURCES_FILE} is stale: run \`make resources\``);
    return same ? 0 : 1;
  }
  writeFileSync(RESOURCES_FILE, text);
  print(`wrote ${RESOURCES_FILE}`);
  return 0;
}
