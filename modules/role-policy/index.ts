export { RolePolicy, type RolePolicyProps } from "./role-policy.js";
