export { QUICKSIGHT_IP_RANGES } from "./quicksight-ip-ranges.js";
export {
  CLUSTER_PARAMETERS,
  CONFIG_PARAMETERS,
  EXTERNAL_SCHEMA_SQL_FILE,
  type ProvisionedParts,
  type ServerlessParts,
  Warehouse,
  type WarehouseEndpoint,
} from "./warehouse.js";
export {
  type BreachAction,
  MAX_NODE_COUNT,
  REDSHIFT_NODE_TYPES,
  type UsagePeriod,
  WAREHOUSE_DEFAULTS,
  type WarehouseClusterProps,
  type WarehouseEngine,
  type WarehouseProps,
} from "./warehouse-props.js";
