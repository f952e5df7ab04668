export { DeliveryStream, PUT_ACTIONS } from "./delivery-stream.js";
export {
  BUFFER_LIMITS,
  DELIVERY_STREAM_DEFAULTS,
  type DeliveryStreamProps,
} from "./delivery-stream-props.js";
