export { TracedFunction } from "./traced-function.js";
export {
  type FunctionVpc,
  LOG_RETENTION_DAYS,
  type LogLevel,
  type OnFailureDestination,
  type SqsSourceOptions,
  TRACED_FUNCTION_DEFAULTS,
  type TracedFunctionProps,
} from "./traced-function-props.js";
