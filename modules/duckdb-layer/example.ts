import type { Construct } from "constructs";
import { AwsContext } from "../aws-context/index.js";
import { TracedFunction } from "../traced-function/index.js";
import { DuckdbLayer } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function duckdbLayerExample(scope: Construct): DuckdbLayer {
  const context = new AwsContext(scope, "context");
  // From dist/handlers/manifest.json (handlers/build.ts): an absolute path and the zip's base64 SHA-256.
  const duckdb = new DuckdbLayer(scope, "layer-duckdb", {
    layerName: "event-lake-test-duckdb",
    code: {
      zipPath: "/work/main/dist/handlers/layer-duckdb.zip",
      sha256: "TzLfhvBsokx1zeoJvMP09e9rUPHyAcMdIvkgGqQcZ40=",
    },
  });
  new TracedFunction(scope, "drop-to-raw", {
    functionName: "event-lake-test-drop-to-raw",
    context,
    code: { zipPath: "/work/main/dist/handlers/drop-to-raw.zip" },
    memorySize: 2048,
    timeout: 300,
    layers: [duckdb.layer],
  });
  return duckdb;
}
