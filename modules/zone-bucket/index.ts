export { ZoneBucket } from "./zone-bucket.js";
export { ZONE_BUCKET_DEFAULTS, type ZoneBucketProps } from "./zone-bucket-props.js";
