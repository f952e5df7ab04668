export * from "./glue-catalog.js";
export * from "./glue-catalog-props.js";
