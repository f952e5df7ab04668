export { DUCKDB_LAYER_TARGET, DuckdbLayer } from "./duckdb-layer.js";
export type { DuckdbLayerProps } from "./duckdb-layer-props.js";
