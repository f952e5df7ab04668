export { cidrSubnet, Network } from "./network.js";
export { LOG_RETENTION_DAYS, NETWORK_DEFAULTS, type NetworkProps } from "./network-props.js";
