export {
  IDLE_STOP_SCRIPT_FILE,
  LIFECYCLE_SCRIPT_LIMIT,
  NOTEBOOK_INTERFACE_ENDPOINTS,
  NOTEBOOK_WILDCARD_ACTIONS,
  ON_START_SCRIPT_FILE,
  renderOnStartScript,
  SagemakerNotebook,
} from "./notebook.js";
export { NOTEBOOK_DEFAULTS, type SagemakerNotebookProps } from "./notebook-props.js";
