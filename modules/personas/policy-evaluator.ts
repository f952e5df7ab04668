import { type Condition, StackIndex, type Statement, type TerraformJson } from "../../src/policy/engine.js";

/**
 * A small evaluator of identity policies over synthesized Terraform JSON, for tests: does the inline policy of one
 * role allow `action` on `resource`? Resources are compared as the synthesized strings, so a `${...}` reference
 * stands for the resource it names (`${aws_s3_bucket.zone-curated_bucket.arn}/orders/x` is an object of the
 * curated zone). cdktf's logical-id hashes are masked first, and the AwsContext data sources are replaced by the
 * values given (partition, region, account), so cases read like real ARNs.
 *
 * Semantics follow IAM's for one identity policy: an explicit Deny wins, then any Allow, else implicit deny.
 * Actions match case-insensitively with `*`/`?` wildcards, resources case-sensitively; NotAction and NotResource
 * are honoured. Conditions are evaluated for the operators used here (String*, Arn*, Bool, ForAllValues:StringLike); a condition key the
 * request does not carry makes the statement not apply, as in IAM; any other operator is an error.
 */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

export interface ContextValues {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export class PolicyEvaluator {
  private readonly index: StackIndex;
  private readonly context: ContextValues;

  constructor(json: unknown, context: ContextValues) {
    const masked = JSON.parse(JSON.stringify(json).replace(/_[0-9A-F]{8}(?=[."}\]])/g, "")) as TerraformJson;
    this.index = new StackIndex("evaluated", masked);
    this.context = context;
  }

  /**
   * The statements of every inline policy attached to one role: `role` is its logical id with the hash masked
   * (`personas_role-steward`) or the end of its construct path.
   */
  statements(role: string): Statement[] {
    const block = this.index
      .resources("aws_iam_role")
      .find((r) => r.name === role || r.path?.endsWith(`/${role}`) === true);
    if (!block) throw new Error(`no aws_iam_role ${role}`);
    const policies = this.index.attached(block, "aws_iam_role_policy", "role");
    if (policies.length === 0) throw new Error(`role ${block.address} has no inline policy`);
    return policies.flatMap((p) => {
      const doc = this.index.policy(p.body["policy"]);
      if (!doc) throw new Error(`${p.address}: policy cannot be read statically`);
      return doc.statements.map((s) => this.concrete(s));
    });
  }

  /** Whether the role's policies allow the request. */
  allows(role: string, request: Request): boolean {
    const matching = this.statements(role).filter((s) => applies(s, request));
    if (matching.some((s) => s.effect === "Deny")) return false;
    return matching.some((s) => s.effect === "Allow");
  }

  private concrete(s: Statement): Statement {
    const sub = (v: string) =>
      v
        .replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, this.context.partition)
        .replace(/\$\{data\.aws_region\.[\w-]+\.name\}/g, this.context.region)
        .replace(/\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}/g, this.context.account);
    return {
      ...s,
      resources: s.resources.map(sub),
      notResources: s.notResources.map(sub),
      conditions: s.conditions.map((c) => ({ ...c, values: c.values.map(sub) })),
    };
  }
}

function applies(s: Statement, request: Request): boolean {
  const action =
    s.actions.length > 0
      ? s.actions.some((a) => glob(a, request.action, true))
      : !s.notActions.some((a) => glob(a, request.action, true));
  const resource =
    s.resources.length > 0
      ? s.resources.some((r) => glob(r, request.resource, false))
      : s.notResources.length > 0 && !s.notResources.some((r) => glob(r, request.resource, false));
  return action && resource && s.conditions.every((c) => conditionHolds(c, request.context ?? {}));
}

function conditionHolds(c: Condition, context: Readonly<Record<string, string>>): boolean {
  const value = context[c.variable];
  if (value === undefined) return false;
  switch (c.test) {
    case "StringEquals":
    case "ArnEquals":
      return c.values.includes(value);
    case "StringLike":
    case "ArnLike":
    // One request value (a single leading key): every value matches when that one does. (IAM also lets a request
    // without the key through ForAllValues; here, as for every operator, a missing key does not apply.)
    case "ForAllValues:StringLike":
      return c.values.some((pattern) => glob(pattern, value, false));
    case "Bool":
      return c.values.includes(value);
    default:
      throw new Error(`condition operator ${c.test} is not supported by this evaluator`);
  }
}

/** IAM wildcard matching: `*` any run of characters, `?` any one. */
export function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}
