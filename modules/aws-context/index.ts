export { AwsContext } from "./aws-context.js";
export type { Grantee } from "./grantee.js";
