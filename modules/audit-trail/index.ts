export { AuditTrail } from "./audit-trail.js";
export { AUDIT_TRAIL_DEFAULTS, type AuditTrailProps, type ReadWriteType } from "./audit-trail-props.js";
