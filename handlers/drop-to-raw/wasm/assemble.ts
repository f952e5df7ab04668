/**
 * Assembles lines.wat into lines.bytes.ts, the module the handler bundle carries (`make wasm`). The handler never
 * assembles anything: wabt is a dev dependency, and lines.test.ts checks that the committed bytes are what this
 * writes from the committed text.
 *
 *   node --import tsx handlers/drop-to-raw/wasm/assemble.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import wabt from "wabt";

const HERE = dirname(fileURLToPath(import.meta.url));
export const WAT_PATH = join(HERE, "lines.wat");
export const BYTES_PATH = join(HERE, "lines.bytes.ts");

/** The binary module of a WebAssembly text file (SIMD and bulk memory, both in Node 16.4 and later). */
export async function assemble(path: string = WAT_PATH): Promise<Uint8Array> {
  const module = (await wabt()).parseWat(path, readFileSync(path, "utf8"), { simd: true, bulk_memory: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** lines.bytes.ts for `bytes`. */
export function bytesModule(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString("base64");
  const lines = base64.match(/.{1,112}/g) ?? [];
  return `// Generated from lines.wat by assemble.ts (make wasm); do not edit. lines.test.ts checks it is current.
export const LINES_WASM_BASE64 =
${lines.map((l) => `  "${l}"`).join(" +\n")};
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await assemble();
  writeFileSync(BYTES_PATH, bytesModule(bytes));
  process.stdout.write(`${BYTES_PATH}: ${bytes.length} bytes of WebAssembly\n`);
}
