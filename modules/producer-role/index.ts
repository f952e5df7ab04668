export { ProducerRole } from "./producer-role.js";
export type { ProducerRoleProps } from "./producer-role-props.js";
