export { denyPutsWithoutKey, type StateRole, StateRoles } from "./state-roles.js";
export type { StateRoleSpec, StateRolesProps } from "./state-roles-props.js";
