import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

/** Where `make handlers` (handlers/build.ts) writes the zips and their manifest. */
export const HANDLERS_DIR = process.env["EVENT_LAKE_HANDLERS_DIR"] ?? "dist/handlers";

interface ManifestEntry {
  readonly kind: "function" | "layer";
  readonly file: string;
  /** Base64 SHA-256 of the zip: Lambda's source_code_hash. */
  readonly sha256: string;
}

export interface HandlerCode {
  /** The zip, as a path relative to the synthesized stack (a TerraformAsset), so plans are the same everywhere. */
  readonly zipPath: string;
  readonly sha256: string;
}

const manifests = new Map<string, Record<string, ManifestEntry>>();
const assets = new WeakMap<TerraformStack, Map<string, HandlerCode>>();

function manifest(dir: string): Record<string, ManifestEntry> {
  const file = join(resolve(dir), "manifest.json");
  const cached = manifests.get(file);
  if (cached) return cached;
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`make handlers\` before synthesizing`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, ManifestEntry>;
  manifests.set(file, parsed);
  return parsed;
}

/**
 * The deterministic zip of one handler (or layer) from `make handlers`, copied into the stack as an asset once per
 * stack. The manifest's hash is the source_code_hash, so an unchanged handler never shows in a plan.
 */
export function handlerCode(scope: Construct, name: string, dir = HANDLERS_DIR): HandlerCode {
  const stack = TerraformStack.of(scope);
  const perStack = assets.get(stack) ?? new Map<string, HandlerCode>();
  assets.set(stack, perStack);
  const known = perStack.get(name);
  if (known) return known;
  const entry = manifest(dir)[name];
  if (!entry)
    throw new Error(`no handler "${name}" in ${dir}/manifest.json: is handlers/${name}/handler.ts there?`);
  const asset = new TerraformAsset(stack, `asset-${name}`, {
    path: join(resolve(dir), entry.file),
    type: AssetType.FILE,
    // The build's hash: cdktf would otherwise hash every zip (the 23 MB layer too) again for every stack.
    assetHash: Buffer.from(entry.sha256, "base64").toString("hex").slice(0, 32).toUpperCase(),
  });
  const code = { zipPath: asset.path, sha256: entry.sha256 };
  perStack.set(name, code);
  return code;
}
