export { Alerts, type AlertsProps } from "./alerts.js";
export { type QueueNotEmptyAlarmProps, queueNotEmptyAlarm } from "./queue-alarm.js";
