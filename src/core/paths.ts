import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The nearest folder at or above the working directory that holds package.json: where the app and its modules find
 * the files they ship (scripts, SQL), since the app runs bundled (dist/main.cjs), where `import.meta.url` points
 * at dist/.
 */
export function projectRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
