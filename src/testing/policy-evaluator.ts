import { type Condition, StackIndex, type Statement, type TerraformJson } from "../terraform/json.js";

/**
 * A small evaluator of identity policies over synthesized Terraform JSON, for tests: does the inline policy of one
 * role allow `action` on `resource`? Resources are compared as the synthesized strings, so a `${...}` reference
 * stands for the resource it names (`${aws_s3_bucket.zone-curated_bucket.arn}/orders/x` is an object of the
 * curated zone). cdktf's logical-id hashes are masked first, and the AwsContext data sources are replaced by the
 * values given (partition, region, account), so cases read like real ARNs.
 *
 * Semantics follow IAM's for one identity policy: an explicit Deny wins, then any Allow, else implicit deny.
 * Actions match case-insensitively with `*`/`?` wildcards, resources case-sensitively; NotAction and NotResource
 * are honoured. Conditions are evaluated for the operators used here (String*, Arn*, Bool, ForAllValues:StringLike,
 * their negations and `...IfExists`); as in IAM, a condition key the request does not carry makes a positive
 * condition false and a negated one (`StringNotEquals`, `ArnNotEquals`) true, and an `...IfExists` condition true;
 * any other operator is an error.
 *
 * `trusts` reads a role's trust policy and `resourcePolicy` a resource's own (a bucket policy), so a test can follow
 * a principal through `sts:AssumeRole` to what the role it reaches may do, and see what a bucket policy denies.
 */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

/** A request to a resource policy or a trust policy: who asks, as well as what. */
export interface PrincipalRequest extends Request {
  /** The calling principal's ARN, e.g. `arn:aws:iam::222222222222:role/deployer`. */
  readonly principal: string;
}

export type Decision = "allow" | "deny" | "none";

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

  /**
   * Whether the role's trust policy lets `principal` perform `action` (e.g. `sts:AssumeRole`) on it. The request's
   * context gets `aws:PrincipalArn` and `aws:PrincipalAccount` from the principal.
   */
  trusts(role: string, request: Omit<PrincipalRequest, "resource">): boolean {
    const block = this.role(role);
    const doc = this.index.policy(block.body["assume_role_policy"]);
    if (!doc) throw new Error(`${block.address}: trust policy cannot be read statically`);
    return this.decide(doc.statements, { ...request, resource: "*" }, false) === "allow";
  }

  /**
   * The decision of a resource's own policy (`aws_s3_bucket_policy`, …) found by construct path ending: an explicit
   * Deny, an Allow, or neither. Resource matching is as for identity policies.
   */
  resourcePolicy(type: string, path: string, request: PrincipalRequest): Decision {
    const block = this.index
      .resources(type)
      .find((r) => r.name === path || r.path?.endsWith(`/${path}`) === true);
    if (!block) throw new Error(`no ${type} ${path}`);
    const doc = this.index.policy(block.body["policy"]);
    if (!doc) throw new Error(`${block.address}: policy cannot be read statically`);
    return this.decide(doc.statements, request, true);
  }

  private decide(
    statements: readonly Statement[],
    request: PrincipalRequest,
    matchResource: boolean,
  ): Decision {
    const account = request.principal.split(":")[4] ?? "";
    const context = {
      "aws:PrincipalArn": request.principal,
      "aws:PrincipalAccount": account,
      ...(request.context ?? {}),
    };
    const matching = statements
      .map((s) => this.concrete(s))
      .filter(
        (s) =>
          s.principals.some((p) => principalMatches(p.type, p.identifiers, request.principal, account)) &&
          applies(matchResource ? s : { ...s, resources: ["*"], notResources: [] }, { ...request, context }),
      );
    if (matching.some((s) => s.effect === "Deny")) return "deny";
    return matching.some((s) => s.effect === "Allow") ? "allow" : "none";
  }

  private role(role: string) {
    const block = this.index
      .resources("aws_iam_role")
      .find((r) => r.name === role || r.path?.endsWith(`/${role}`) === true);
    if (!block) throw new Error(`no aws_iam_role ${role}`);
    return block;
  }

  private concrete(s: Statement): Statement {
    const sub = (v: string) =>
      v
        .replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, this.context.partition)
        .replace(/\$\{data\.aws_region\.[\w-]+\.name\}/g, this.context.region)
        .replace(/\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}/g, this.context.account);
    return {
      ...s,
      principals: s.principals.map((p) => ({ ...p, identifiers: p.identifiers.map(sub) })),
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

/** An AWS principal: `*`, an account (its root ARN or bare id: any principal of it), or an exact ARN. */
function principalMatches(
  type: string,
  identifiers: readonly string[],
  principal: string,
  account: string,
): boolean {
  if (type === "*") return true;
  if (type !== "AWS") return false;
  return identifiers.some(
    (id) => id === "*" || id === principal || id === account || id.endsWith(`:iam::${account}:root`),
  );
}

const NEGATED: Readonly<Record<string, string>> = {
  StringNotEquals: "StringEquals",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

function conditionHolds(c: Condition, context: Readonly<Record<string, string>>): boolean {
  const value = context[c.variable];
  if (c.test.endsWith("IfExists"))
    return (
      value === undefined || conditionHolds({ ...c, test: c.test.slice(0, -"IfExists".length) }, context)
    );
  const positive = NEGATED[c.test];
  if (positive !== undefined)
    return value === undefined || !conditionHolds({ ...c, test: positive }, context);
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
