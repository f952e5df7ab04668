export interface DuckdbLayerProps {
  /** The layer's physical name. */
  readonly layerName: string;
  /**
   * The built zip (`dist/handlers/layer-duckdb.zip`, see handlers/build.ts) and its base64 SHA-256 from the build
   * manifest, which becomes source_code_hash: an unchanged layer never shows in a plan.
   */
  readonly code: { readonly zipPath: string; readonly sha256: string };
}
