export { CONFIG_PARAMETERS, EXTERNAL_SCHEMA_SQL_FILE, Warehouse } from "./warehouse.js";
export {
  type BreachAction,
  type UsagePeriod,
  WAREHOUSE_DEFAULTS,
  type WarehouseProps,
} from "./warehouse-props.js";
