export { ConsumerQueue, EventFanout } from "./event-fanout.js";
export {
  CONSUMER_DEFAULTS,
  type ConsumerProps,
  type EventFanoutProps,
  SNS_FILTER_POLICY_LIMITS,
} from "./event-fanout-props.js";
