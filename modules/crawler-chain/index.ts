export * from "./crawler-chain.js";
export * from "./crawler-chain-props.js";
export * from "./inline-policy.js";
