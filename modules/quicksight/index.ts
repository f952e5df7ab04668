export { QuicksightSources, type RedshiftSourceParts } from "./quicksight-sources.js";
export {
  DATA_SOURCE_OWNER_ACTIONS,
  DATA_SOURCE_READER_ACTIONS,
  MAX_PRINCIPALS,
  QUICKSIGHT_SOURCES_DEFAULTS,
  type QuicksightSourcesProps,
} from "./quicksight-sources-props.js";
export { QUICKSIGHT_SERVICE_ROLE, quicksightServiceRole } from "./service-role.js";
