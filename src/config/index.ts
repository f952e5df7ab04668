export { benchExtraPipelines, EXTRA_PIPELINES_VARIABLE } from "./bench.js";
export {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  overrideVariable,
  parseConfig,
  projectRoot,
} from "./load.js";
export * from "./types.js";
