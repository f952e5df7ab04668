import { pipelineLoader } from "../../src/core/load-pipeline.js";

/**
 * The declaration of pipeline `name`, checked (src/core/load-pipeline.ts), or undefined when no such pipeline is
 * declared in this build. A Lambda cannot read src/pipelines/definitions/ at run time, and a hand-written list would
 * need a handler change per dataset: esbuild turns this template import into a table of every declaration file (each
 * evaluated only when asked for), so adding a declaration and rebuilding is enough. The declarations are the one part
 * of the app a handler bundles (src/testing/import-rules.ts), and they import only the core.
 */
export const loadPipeline = pipelineLoader((name) => import(`../../src/pipelines/definitions/${name}.ts`));
