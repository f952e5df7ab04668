export * from "./athena-workgroup.js";
export * from "./athena-workgroup-props.js";
