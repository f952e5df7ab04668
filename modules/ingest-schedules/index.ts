export { INGEST_SCHEDULE_DEFAULTS, IngestSchedules } from "./ingest-schedules.js";
export type { IngestSchedulesProps, ScheduledInvocation } from "./ingest-schedules-props.js";
