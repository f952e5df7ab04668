export { Alerts, type AlertsProps } from "./alerts.js";
