import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../handlers/build.js";
import {
  APP,
  IMPORT_RULES,
  importsOf,
  importViolations,
  ruleFor,
  sourceFiles,
  TOOLS,
} from "./import-rules.js";

const rule = (name: string) => {
  const found = IMPORT_RULES.find((r) => r.name.startsWith(name));
  if (!found) throw new Error(`no import rule named ${name}`);
  return found;
};
/** The message importViolations gives for one wrong import. */
const violation = (site: string, target: string, name: string) =>
  `${site}: imports ${target}; ${rule(name).name} may import only ${rule(name).allow.join(", ")} (${rule(name).why})`;

describe("import rules (src/testing/import-rules.ts: the allowed edges)", () => {
  it("hold on the tree: handlers and modules import from src/ only the core, the core imports neither, the app no tool and no handler, the tools no handler", () => {
    // prepare
    const files = sourceFiles(REPO_ROOT, ["main.ts", "handlers", "src", "modules"]);
    const judged = (name: string) => files.filter((f) => ruleFor(f.path)?.name === name).length;

    // assess: each rule judged real files, every file under src/ but tests is judged, and none breaks its rule
    expect(IMPORT_RULES.map((r) => judged(r.name) > 0)).toEqual(IMPORT_RULES.map(() => true));
    expect(
      files
        .filter((f) => f.path.startsWith("src/") && !f.path.endsWith(".test.ts") && !ruleFor(f.path))
        .map((f) => f.path),
    ).toEqual([]);
    expect(importViolations(files)).toEqual([]);
  });

  it("write the app's and the tools' edges down: the app imports itself, the core and the modules; the tools also each other", () => {
    const app = [
      "main.ts",
      "src/app.ts",
      "src/naming.ts",
      "src/config/",
      "src/pipelines/",
      "src/stacks/",
      "src/sql/",
    ];
    const tools = [
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
    expect([APP, TOOLS]).toEqual([app, tools]);
    expect(rule("the app").from).toEqual(app);
    expect(rule("the app").allow).toEqual([...app, "src/core/", "modules/"]);
    expect(rule("the tools").from).toEqual(tools);
    expect(rule("the tools").allow).toEqual([...app, "src/core/", "modules/", ...tools]);
  });

  it("fail on a deliberately wrong import, naming the file, the line, the target and what is allowed", () => {
    const MODULES_ALLOW = "modules/, src/core/paths.ts, src/core/naming.ts, src/core/layout.ts";
    // prepare: a handler that would bundle the SQL parser, and a core module that reaches into a handler
    const files = [
      {
        path: "handlers/orchestrator/wrong.ts",
        source: [
          'import type { Column } from "../../src/core/pipeline.js";',
          'import { curatedLayout } from "../../src/sql/layout.js";',
          "export const f = curatedLayout;",
        ].join("\n"),
      },
      // a handler that bundles the declarations (allowed) and would bundle the app's SQL check
      {
        path: "handlers/ingest/wrong.ts",
        source: [
          "const load = (name: string) => import(`../../src/pipelines/definitions/${name}.ts`);",
          'import { pipelineProblems } from "../../src/pipelines/validate.js";',
        ].join("\n"),
      },
      { path: "src/core/wrong.ts", source: 'export { logger } from "../../handlers/shared/index.js";' },
      { path: "src/stacks/wrong.ts", source: 'import { handler } from "../../handlers/ingest/handler.js";' },
      { path: "handlers/orchestrator/wrong.test.ts", source: 'import "../../src/sql/layout.js";' },
      // a module that validates the app's declarations, an example that takes one; one that uses the core; a test
      {
        path: "modules/glue-catalog/wrong.ts",
        source: 'import { pipelineProblems } from "../../src/pipelines/validate.js";',
      },
      {
        path: "modules/glue-catalog/example.ts",
        source: 'import orders from "../../src/pipelines/definitions/orders.js";',
      },
      { path: "modules/notebook/right.ts", source: 'import { projectRoot } from "../../src/core/paths.js";' },
      {
        path: "modules/glue-catalog/declaration.ts",
        source: 'import type { PipelineDeclaration } from "../../src/core/pipeline.js";',
      },
      { path: "modules/glue-catalog/wrong.test.ts", source: 'import "../../src/stacks/pipeline-props.js";' },
      // the app importing a tool (a stack the local runner, the config the moto starter, the SQL checks the policy)
      { path: "src/stacks/wrong-tool.ts", source: 'import { runLocal } from "../local/run.js";' },
      { path: "src/config/wrong.ts", source: 'import { startMoto } from "../local/moto.js";' },
      { path: "src/sql/wrong.ts", source: 'import { evaluate } from "../policy/engine.js";' },
      {
        path: "src/stacks/right.ts",
        source:
          'import { partitionPrefix } from "../core/zone-keys.js";\nimport "../../modules/zone-bucket/index.js";',
      },
      // a tool importing handler code; tools importing the app, the core, the modules and each other
      {
        path: "src/local/wrong.ts",
        source: 'import { markRawChanged } from "../../handlers/shared/run-ledger.js";',
      },
      { path: "src/curated/wrong.ts", source: 'import { readZip } from "../../handlers/build/zip.js";' },
      {
        path: "src/cli/right.ts",
        source: [
          'import { loadConfig } from "../config/index.js";',
          'import { buildLakeStack } from "../stacks/lake-stack.js";',
          'import { transformKey } from "../core/run-ledger.js";',
          'import { runTerraform } from "../terraform/run.js";',
          'import { readZip } from "../local/zip.js";',
          'import "../../modules/zone-bucket/index.js";',
        ].join("\n"),
      },
      { path: "src/local/wrong.test.ts", source: 'import "../../handlers/drop-to-raw/paths.js";' },
    ];

    // act
    const violations = importViolations(files);

    // assess: a handler's import of the pipeline types (in the core) passes, as do a module's import of the core, the
    // app's of the core and a module, and a tool's of the app, the core, a module and other tools; tests are not judged
    expect(violations).toEqual([
      `handlers/orchestrator/wrong.ts:2: imports src/sql/layout.ts; Lambda code (handlers/) may import only handlers/, src/core/, src/pipelines/definitions/ (${IMPORT_RULES[0]?.why})`,
      `handlers/ingest/wrong.ts:2: imports src/pipelines/validate.ts; Lambda code (handlers/) may import only handlers/, src/core/, src/pipelines/definitions/ (${IMPORT_RULES[0]?.why})`,
      `src/core/wrong.ts:1: imports handlers/shared/index.ts; the core (src/core/) may import only src/core/ (${IMPORT_RULES[1]?.why})`,
      violation("src/stacks/wrong.ts:1", "handlers/ingest/handler.ts", "the app"),
      `modules/glue-catalog/wrong.ts:1: imports src/pipelines/validate.ts; the modules (modules/) may import only ${MODULES_ALLOW} (${IMPORT_RULES[2]?.why})`,
      `modules/glue-catalog/example.ts:1: imports src/pipelines/definitions/orders.ts; the modules (modules/) may import only ${MODULES_ALLOW} (${IMPORT_RULES[2]?.why})`,
      `modules/glue-catalog/declaration.ts:1: imports src/core/pipeline.ts; the modules (modules/) may import only ${MODULES_ALLOW} (${IMPORT_RULES[2]?.why})`,
      violation("src/stacks/wrong-tool.ts:1", "src/local/run.ts", "the app"),
      violation("src/config/wrong.ts:1", "src/local/moto.ts", "the app"),
      violation("src/sql/wrong.ts:1", "src/policy/engine.ts", "the app"),
      violation("src/local/wrong.ts:1", "handlers/shared/run-ledger.ts", "the tools"),
      violation("src/curated/wrong.ts:1", "handlers/build/zip.ts", "the tools"),
    ]);
    expect(violations[3]).toBe(
      `src/stacks/wrong.ts:1: imports handlers/ingest/handler.ts; the app (main.ts, src/app.ts, src/naming.ts, config, pipelines, stacks, sql) may import only main.ts, src/app.ts, src/naming.ts, src/config/, src/pipelines/, src/stacks/, src/sql/, src/core/, modules/ (${rule("the app").why})`,
    );
  });

  it("reads static, dynamic, template and require imports, but not commented ones", () => {
    const source = [
      'import { a } from "./a.js";',
      "/** see import(`../x/${name}.ts`) */",
      "// import { b } from './b.js';",
      'export * from "./c.js";',
      "const d = await import(`../../src/pipelines/definitions/${name}.ts`);",
      'const e = require("node:fs");',
      'import "./side-effect.js";',
    ].join("\n");

    expect(importsOf(source)).toEqual([
      { specifier: "./a.js", line: 1 },
      { specifier: "./c.js", line: 4 },
      { specifier: "../../src/pipelines/definitions/", line: 5 },
      { specifier: "node:fs", line: 6 },
      { specifier: "./side-effect.js", line: 7 },
    ]);
  });
});
