export { type AccountTrust, accountTrustStatement } from "./account-trust.js";
export { AwsContext } from "./aws-context.js";
export { CREATED_BY, createdBy, creatorOf, type ModuleCode } from "./created-by.js";
export type { Grantee } from "./grantee.js";
export {
  dynamodbKeyStatement,
  KEY_ADMIN_ACTIONS,
  keyAdminStatement,
  logsKeyStatement,
} from "./key-policy.js";
export { logGroupKey } from "./log-group-key.js";
export { type ServiceTrust, serviceTrustStatement } from "./service-trust.js";
