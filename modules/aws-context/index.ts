export { type AccountTrust, accountTrustStatement } from "./account-trust.js";
export { AwsContext } from "./aws-context.js";
export type { Grantee } from "./grantee.js";
export { KEY_ADMIN_ACTIONS, keyAdminStatement } from "./key-policy.js";
