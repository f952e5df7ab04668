import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import type { Construct } from "constructs";
import { createdBy } from "../aws-context/index.js";
import type { DuckdbLayerProps } from "./duckdb-layer-props.js";

/** What the layer is built for: handlers/build.ts installs the x86_64 Linux bindings of @duckdb/node-api. */
export const DUCKDB_LAYER_TARGET = { runtime: "nodejs22.x", architecture: "x86_64" } as const;

/**
 * DuckDB for Node (@duckdb/node-api) as a Lambda layer, for functions that bundle everything else and leave
 * `@duckdb/*` external (TracedFunction `layers: [duckdb.layer]`). Native code, so only for x86_64 and Node 22.
 *
 * It adds no level to the construct tree: the layer version is `<id>` directly in `scope`, the address the lake's
 * layer had before this module existed.
 */
export class DuckdbLayer {
  readonly layer: LambdaLayerVersion;

  constructor(scope: Construct, id: string, props: DuckdbLayerProps) {
    this.layer = new LambdaLayerVersion(scope, id, {
      layerName: props.layerName,
      filename: props.code.zipPath,
      sourceCodeHash: props.code.sha256,
      compatibleRuntimes: [DUCKDB_LAYER_TARGET.runtime],
      compatibleArchitectures: [DUCKDB_LAYER_TARGET.architecture],
      description: "DuckDB for Node (@duckdb/node-api), x86_64",
    });
    createdBy(DuckdbLayer, this.layer);
  }
}
