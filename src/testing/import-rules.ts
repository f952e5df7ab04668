import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";

/**
 * The allowed import edges between the repository's parts, in one place. `import-rules.test.ts` holds the tree to
 * them (every file a rule judges, its static, dynamic and template imports), and handlers/build.test.ts holds every
 * Lambda bundle to them (each repository file esbuild put in a zip). Packages and `node:` builtins are not judged
 * here; a bundle's dev dependencies are (build.test.ts). A file no rule judges (tests, bench/, the handlers' build
 * tooling and test helpers) may import anything; every other file under src/ is judged (the test checks).
 */
export interface ImportRule {
  /** What the judged files are, for messages. */
  readonly name: string;
  /** The files the rule judges: repository paths starting with one of these (a folder ends with "/"). */
  readonly from: readonly string[];
  /** Files under `from` the rule does not judge (tests, build tooling, test helpers). */
  readonly except: readonly RegExp[];
  /** Repository paths (prefixes) those files may import. */
  readonly allow: readonly string[];
  /** Also allowed for now: each with why, and what ends it. */
  readonly transitional: readonly { readonly path: string; readonly why: string }[];
  readonly why: string;
}

/** The app: what synthesizes the Terraform (with the modules it composes and the core). */
export const APP: readonly string[] = [
  "main.ts",
  "src/app.ts",
  "src/naming.ts",
  "src/config/",
  "src/pipelines/",
  "src/stacks/",
  "src/sql/",
];
/** The tools: they read the synthesized stacks, run the local lake and the deployed one's chores, and test. */
export const TOOLS: readonly string[] = [
  "src/cli/",
  "src/cost/",
  "src/curated/",
  "src/diagram/",
  "src/guard/",
  "src/local/",
  "src/policy/",
  "src/terraform/",
  "src/testing/",
  "src/warehouse/",
];

const TESTS = /\.test\.ts$/;

export const IMPORT_RULES: readonly ImportRule[] = [
  {
    name: "Lambda code (handlers/)",
    from: ["handlers/"],
    except: [TESTS, /^handlers\/build(\.ts|\/)/, /\/testing\//, /\/fixtures(\.ts|\/)/],
    // The declarations are the app's data, one file per dataset; handlers/shared/pipelines.ts bundles them (esbuild
    // turns its template import into a table of the files), since a Lambda cannot read the repository and its
    // environment (4 KB) cannot carry them. They import only the core, which build.test.ts holds in every zip.
    allow: ["handlers/", "src/core/", "src/pipelines/definitions/"],
    transitional: [],
    why: "Lambda code ships what it imports: from src/ only the small shared core (no SQL parser, no CDKTF, no tools) and the pipeline declarations",
  },
  {
    name: "the core (src/core/)",
    from: ["src/core/"],
    except: [TESTS],
    allow: ["src/core/"],
    transitional: [],
    why: "the core is what the app and the handlers share, so it imports neither",
  },
  {
    name: "the modules (modules/)",
    from: ["modules/"],
    except: [TESTS],
    // Not the core's pipeline declarations: a module takes the narrow props src/stacks/pipeline-props.ts maps them to.
    allow: ["modules/", "src/core/paths.ts", "src/core/naming.ts", "src/core/layout.ts"],
    transitional: [],
    why: "a module is reusable outside this app: it takes narrow props of its own (names, columns, SQL text), and src/stacks maps the app's pipelines to them (src/stacks/pipeline-props.ts)",
  },
  {
    name: "the app (main.ts, src/app.ts, src/naming.ts, config, pipelines, stacks, sql)",
    from: APP,
    except: [TESTS],
    allow: [...APP, "src/core/", "modules/"],
    transitional: [],
    why: "the app synthesizes without any tool; handler code reaches it only as built zips (dist/handlers/manifest.json)",
  },
  {
    name: "the tools (cli, cost, curated, diagram, guard, local, policy, terraform, testing, warehouse)",
    from: TOOLS,
    except: [TESTS],
    allow: [...APP, "src/core/", "modules/", ...TOOLS],
    transitional: [],
    why: "a tool reads what the app synthesizes and runs handlers only as their built zips (the local runner); what it shares with the handlers is in src/core/",
  },
];

export interface ImportSite {
  /** As written, or a template import's static prefix (`../../src/pipelines/definitions/`). */
  readonly specifier: string;
  readonly line: number;
}

/** Static imports and re-exports, `import("x")`, template imports (their static prefix) and `require("x")`. */
export function importsOf(source: string): ImportSite[] {
  // Comments out, line numbers kept: a doc comment may quote an import.
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/^[ \t]*\/\/.*$/gm, "");
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["'`]([^"'`$]+)/g,
    /\brequire\(\s*["']([^"']+)["']/g,
  ];
  const sites: ImportSite[] = [];
  for (const pattern of patterns)
    for (const m of code.matchAll(pattern)) {
      const specifier = m[1] ?? "";
      const at = (m.index ?? 0) + m[0].lastIndexOf(specifier);
      sites.push({ specifier, line: code.slice(0, at).split("\n").length });
    }
  return sites.sort((a, b) => a.line - b.line);
}

/** The repository path a relative specifier names (`.js` read as the `.ts` it compiles from); undefined for a package. */
export function resolveImport(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  return target.endsWith("/") ? target : target.replace(/\.js$/, ".ts");
}

/** The rule judging `file`, if any. */
export function ruleFor(file: string, rules = IMPORT_RULES): ImportRule | undefined {
  return rules.find((r) => r.from.some((f) => file.startsWith(f)) && !r.except.some((e) => e.test(file)));
}

/** Whether `rule` lets its files import the repository path `target`. */
export function allows(rule: ImportRule, target: string): boolean {
  return [...rule.allow, ...rule.transitional.map((t) => t.path)].some((p) =>
    p.endsWith("/") ? target.startsWith(p) : target === p,
  );
}

/** Every import of `files` (repository paths and their text) a rule forbids, as `file:line: message`. */
export function importViolations(
  files: readonly { readonly path: string; readonly source: string }[],
  rules = IMPORT_RULES,
): string[] {
  const out: string[] = [];
  for (const file of files) {
    const rule = ruleFor(file.path, rules);
    if (!rule) continue;
    for (const site of importsOf(file.source)) {
      const target = resolveImport(file.path, site.specifier);
      if (target === undefined || allows(rule, target)) continue;
      out.push(
        `${file.path}:${site.line}: imports ${target}; ${rule.name} may import only ${rule.allow.join(", ")} (${rule.why})`,
      );
    }
  }
  return out;
}

/** The `.ts` files under `dirs` (folders or files) of the repository at `root`, as repository paths. */
export function sourceFiles(root: string, dirs: readonly string[]): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else if (entry.name.endsWith(".ts"))
        out.push({ path: relative(root, full).split(sep).join("/"), source: readFileSync(full, "utf8") });
    }
  };
  for (const dir of dirs)
    if (dir.endsWith(".ts")) out.push({ path: dir, source: readFileSync(join(root, dir), "utf8") });
    else walk(join(root, dir));
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
