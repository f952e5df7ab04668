import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { RolePolicy } from "../role-policy/index.js";
import { LedgerTable } from "./index.js";

/** The README's example, compiled by `tsc` and synthesized by modules/readme.test.ts so it cannot rot. */
export function ledgerTableExample(scope: Construct): LedgerTable {
  const runs = new LedgerTable(scope, "ingest-runs", {
    tableName: "event-lake-test-ingest-runs",
    sortKey: "sk",
    ttlAttribute: "expires_at",
  });
  const role = new IamRole(scope, "ingest", { name: "event-lake-test-ingest", assumeRolePolicy: "{}" });
  runs.grantReadWrite(new RolePolicy(scope, "ingest-policy", { role }));
  return runs;
}
