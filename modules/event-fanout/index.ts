export { ConsumerQueue, EventFanout } from "./event-fanout.js";
export { CONSUMER_DEFAULTS, type ConsumerProps, type EventFanoutProps } from "./event-fanout-props.js";
