import { describe, expect, it } from "vitest";
import {
  type DeclarationImport,
  importDeclaration,
  pipelineLoader,
  requirePipeline,
} from "./load-pipeline.js";
import { definePipeline, type PipelineDeclaration } from "./pipeline.js";

const shipments = definePipeline({
  name: "shipments",
  description: "Carrier shipment events",
  source: { kind: "push" },
  format: { type: "ndjson" },
  schema: [{ name: "shipment_id", type: "string", nullable: false }],
  partitionKeys: [],
  transform: { sql: "SELECT shipment_id FROM {{raw}}" },
});

/** Declaration files as an import sees them, counting the imports; a missing one fails as Node's import does. */
function files(modules: Record<string, { default?: unknown }>): DeclarationImport & { calls: string[] } {
  const calls: string[] = [];
  const importFile = async (name: string) => {
    calls.push(name);
    const module = modules[name];
    if (module === undefined)
      throw Object.assign(new Error(`Cannot find module '/repo/src/pipelines/definitions/${name}.ts'`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    return module;
  };
  return Object.assign(importFile, { calls });
}

describe("importDeclaration", () => {
  it("returns the file's declaration, undefined for a missing file or a name that is none, never importing it", async () => {
    // prepare
    const importFile = files({ shipments: { default: shipments } });

    // act / assess
    expect(await importDeclaration("shipments", importFile)).toBe(shipments);
    expect(await importDeclaration("mystery", importFile)).toBeUndefined();
    expect(await importDeclaration("../shipments", importFile)).toBeUndefined();
    expect(await importDeclaration("Shipments", importFile)).toBeUndefined();
    expect(importFile.calls).toEqual(["shipments", "mystery"]);
  });

  it("reads a bundle's not-found errors as missing, and passes any other error on", async () => {
    // prepare: what esbuild's glob import and its fallback throw, and a declaration that fails to evaluate
    const fails =
      (message: string): DeclarationImport =>
      () =>
        Promise.reject(new Error(message));

    // act / assess
    expect(
      await importDeclaration(
        "x_1",
        fails("Module not found in bundle: ../../src/pipelines/definitions/x_1.ts"),
      ),
    ).toBeUndefined();
    expect(
      await importDeclaration(
        "x_1",
        fails("Unknown variable dynamic import: ../../src/pipelines/definitions/x_1.ts"),
      ),
    ).toBeUndefined();
    await expect(importDeclaration("x_1", fails("x is not defined"))).rejects.toThrow("x is not defined");
  });

  it("refuses a file that does not default-export its own pipeline, naming the file and the fix", async () => {
    // prepare
    const importFile = files({ shipments: { default: { ...shipments, name: "shipment" } }, empty: {} });

    // act / assess
    await expect(importDeclaration("shipments", importFile)).rejects.toThrow(
      'src/pipelines/definitions/shipments.ts does not default-export the "shipments" declaration: ' +
        'export default definePipeline({ name: "shipments", ... })',
    );
    await expect(importDeclaration("empty", importFile)).rejects.toThrow(
      'src/pipelines/definitions/empty.ts does not default-export the "empty" declaration',
    );
  });
});

describe("pipelineLoader", () => {
  it("loads each declaration once, and answers undefined for an undeclared one", async () => {
    // prepare
    const importFile = files({ shipments: { default: shipments } });
    const load = pipelineLoader(importFile);

    // act
    const answers = [
      await load("shipments"),
      await load("shipments"),
      await load("mystery"),
      await load("mystery"),
    ];

    // assess
    expect(answers).toEqual([shipments, shipments, undefined, undefined]);
    expect(importFile.calls).toEqual(["shipments", "mystery"]);
  });

  it("refuses an invalid declaration with every problem, and says so again on the next call", async () => {
    // prepare
    const bad: PipelineDeclaration = {
      ...shipments,
      partitionKeys: ["carrier"],
      transform: { sql: "DROP x" },
    };
    const importFile = files({ shipments: { default: bad } });
    const load = pipelineLoader(importFile);
    const expected =
      'invalid pipeline declaration: pipeline "shipments": partitionKeys: "carrier" is not a declared column; ' +
      'pipeline "shipments": transform.sql: must be a SELECT that reads from {{raw}}';

    // act / assess
    await expect(load("shipments")).rejects.toThrow(expected);
    await expect(load("shipments")).rejects.toThrow(expected);
    expect(importFile.calls).toEqual(["shipments", "shipments"]);
  });
});

describe("requirePipeline", () => {
  it("returns the declaration, or names a name that is none and a pipeline not in this build", async () => {
    // prepare
    const load = pipelineLoader(files({ shipments: { default: shipments } }));

    // act / assess
    expect(await requirePipeline(load, "shipments")).toBe(shipments);
    await expect(requirePipeline(load, "../x")).rejects.toThrow(
      '"../x" is not a pipeline name (lower-case snake_case, 2-41 characters)',
    );
    await expect(requirePipeline(load, "no_such_pipeline")).rejects.toThrow(
      'unknown pipeline "no_such_pipeline": no src/pipelines/definitions/no_such_pipeline.ts in this build',
    );
  });
});
