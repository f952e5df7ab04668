export * from "./curated-stage.js";
export * from "./curated-stage-props.js";
export * from "./definition.js";
