import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../handlers/build.js";
import { IMPORT_RULES, importsOf, importViolations, ruleFor, sourceFiles } from "./import-rules.js";

describe("import rules (src/testing/import-rules.ts: the allowed edges)", () => {
  it("hold on the tree: handlers and modules import from src/ only the core, the core imports neither, the app no handler", () => {
    // prepare
    const files = sourceFiles(REPO_ROOT, ["main.ts", "handlers", "src", "modules"]);
    const judged = (name: string) => files.filter((f) => ruleFor(f.path)?.name === name).length;

    // assess: each rule judged real files, and none of them breaks one
    expect(IMPORT_RULES.map((r) => judged(r.name) > 0)).toEqual(IMPORT_RULES.map(() => true));
    expect(importViolations(files)).toEqual([]);
  });

  it("fail on a deliberately wrong import, naming the file, the line, the target and what is allowed", () => {
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
      { path: "modules/glue-catalog/wrong.test.ts", source: 'import "../../src/stacks/pipeline-props.js";' },
    ];

    // act
    const violations = importViolations(files);

    // assess: a handler's import of the pipeline types (in the core) passes, as does a module's import of the core;
    // tests are not judged
    expect(violations).toEqual([
      `handlers/orchestrator/wrong.ts:2: imports src/sql/layout.ts; Lambda code (handlers/) may import only handlers/, src/core/, src/pipelines/definitions/ (${IMPORT_RULES[0]?.why})`,
      `handlers/ingest/wrong.ts:2: imports src/pipelines/validate.ts; Lambda code (handlers/) may import only handlers/, src/core/, src/pipelines/definitions/ (${IMPORT_RULES[0]?.why})`,
      `src/core/wrong.ts:1: imports handlers/shared/index.ts; the core (src/core/) may import only src/core/ (${IMPORT_RULES[1]?.why})`,
      `src/stacks/wrong.ts:1: imports handlers/ingest/handler.ts; the app (main.ts, config, pipelines, stacks) may import only src/, modules/ (${IMPORT_RULES[3]?.why})`,
      `modules/glue-catalog/wrong.ts:1: imports src/pipelines/validate.ts; the modules (modules/) may import only modules/, src/core/ (${IMPORT_RULES[2]?.why})`,
      `modules/glue-catalog/example.ts:1: imports src/pipelines/definitions/orders.ts; the modules (modules/) may import only modules/, src/core/ (${IMPORT_RULES[2]?.why})`,
    ]);
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
