import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { duckdbLayerExample } from "./example.js";
import { DUCKDB_LAYER_TARGET } from "./index.js";

describe("DuckdbLayer", () => {
  it("is <id> in the caller's scope, for x86_64 and nodejs22.x, hashed by the build manifest, used by the function", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    duckdbLayerExample(stack);
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(json.resource["aws_lambda_layer_version"]).toEqual({
      "layer-duckdb": {
        layer_name: "event-lake-test-duckdb",
        filename: "/work/main/dist/handlers/layer-duckdb.zip",
        source_code_hash: "TzLfhvBsokx1zeoJvMP09e9rUPHyAcMdIvkgGqQcZ40=",
        compatible_runtimes: ["nodejs22.x"],
        compatible_architectures: ["x86_64"],
        description: "DuckDB for Node (@duckdb/node-api), x86_64",
      },
    });
    expect(Object.values(json.resource["aws_lambda_function"] ?? {})[0]?.["layers"]).toEqual([
      "${aws_lambda_layer_version.layer-duckdb.arn}",
    ]);
    expect(DUCKDB_LAYER_TARGET).toEqual({ runtime: "nodejs22.x", architecture: "x86_64" });
  });
});
