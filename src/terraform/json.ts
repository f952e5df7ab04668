import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The one reader of synthesized Terraform JSON (`cdktf.out/stacks/<name>/cdk.tf.json`) for the tools (policy,
 * guard, cost, diagram, local runner, bench, tests): loading a stack by name, its blocks with their construct
 * paths, and `StackIndex`, the static view of every `resource` and `data` block, who references whom, and what
 * can be read without Terraform: policy documents (`${data.aws_iam_policy_document.x.json}` resolved), lifecycle
 * rules, queue redrive policies, literal names. Policy rules ask the index questions and stay a few lines each.
 */

export type Body = Record<string, unknown>;

/** A synthesized stack: the top-level blocks of `cdk.tf.json`. */
export interface TerraformJson {
  readonly terraform?: Body;
  /** Provider blocks by provider name, e.g. `provider.aws[0].region`. */
  readonly provider?: Record<string, Body[]>;
  readonly resource?: Record<string, Record<string, Body>>;
  readonly data?: Record<string, Record<string, Body>>;
  readonly output?: Record<string, Body>;
  readonly locals?: Body;
  readonly [key: string]: unknown;
}

/** Where cdktf writes stack `name` under `outdir`. */
export function stackJsonPath(outdir: string, name: string): string {
  return join(outdir, "stacks", name, "cdk.tf.json");
}

/** Parses one `cdk.tf.json`. */
export function readTerraformJson(file: string): TerraformJson {
  return JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
}

/** The synthesized Terraform JSON of stack `name` under `outdir`. */
export function readStackJson(outdir: string, name: string): TerraformJson {
  return readTerraformJson(stackJsonPath(outdir, name));
}

/** The construct path cdktf records in a block's metadata, e.g. `test/zone-drop/bucket`. */
export function constructPath(body: Body): string | undefined {
  const meta = one(one(body["//"])?.["metadata"]);
  return typeof meta?.["path"] === "string" ? meta["path"] : undefined;
}

/** Every block of `mode` (resources by default), type by type in file order; only `types` when given. */
export function blocksOf(
  json: TerraformJson | undefined,
  mode: "resource" | "data" = "resource",
  types?: (type: string) => boolean,
): Block[] {
  const blocks: Block[] = [];
  for (const [type, byName] of Object.entries(json?.[mode] ?? {})) {
    if (types && !types(type)) continue;
    for (const [name, body] of Object.entries(byName)) {
      const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
      blocks.push({ mode, type, name, address, path: constructPath(body), body });
    }
  }
  return blocks;
}

export interface Block {
  readonly mode: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_s3_bucket.x` or `data.aws_iam_policy_document.y`. */
  readonly address: string;
  /** The construct path from cdktf's metadata, e.g. `test/zone-drop/bucket`. */
  readonly path?: string;
  readonly body: Body;
}

/** One `type.name.attr` inside a `${...}` interpolation. */
export interface Reference {
  readonly address: string;
  readonly attribute?: string;
}

interface Incoming {
  readonly from: Block;
  /** Where in `from` the reference sits, e.g. `["rule", "0", "apply_server_side_encryption_by_default"]`. */
  readonly at: readonly string[];
  readonly attribute?: string;
}

export interface Principal {
  readonly type: string;
  readonly identifiers: readonly string[];
}
export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}
export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** The `aws_iam_policy_document` data sources it was read from, if any. */
  readonly documents: readonly string[];
}

/** identity: attached to a role/user/group; trust: a role's assume-role policy; key: a KMS key policy. */
export type PolicyKind = "identity" | "trust" | "key" | "resource";
export interface PolicyUse {
  readonly block: Block;
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** Undefined when the policy cannot be read statically (e.g. `jsonencode` of an HCL expression). */
  readonly document?: PolicyDocument;
}

/** Where policies live: resource type, attribute, kind. */
const POLICY_ATTRIBUTES: readonly (readonly [string, string, PolicyKind])[] = [
  ["aws_iam_role_policy", "policy", "identity"],
  ["aws_iam_policy", "policy", "identity"],
  ["aws_iam_user_policy", "policy", "identity"],
  ["aws_iam_group_policy", "policy", "identity"],
  ["aws_iam_role", "assume_role_policy", "trust"],
  ["aws_kms_key", "policy", "key"],
  ["aws_kms_key_policy", "policy", "key"],
  ["aws_s3_bucket_policy", "policy", "resource"],
  ["aws_sqs_queue", "policy", "resource"],
  ["aws_sqs_queue_policy", "policy", "resource"],
  ["aws_sns_topic", "policy", "resource"],
  ["aws_sns_topic_policy", "policy", "resource"],
  ["aws_cloudwatch_log_resource_policy", "policy_document", "resource"],
  ["aws_cloudwatch_event_bus_policy", "policy", "resource"],
  ["aws_glue_resource_policy", "policy", "resource"],
  ["aws_secretsmanager_secret_policy", "policy", "resource"],
];

/** Types whose `id` is their literal name, and the attribute that holds it. */
const NAME_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_s3_bucket: "bucket",
  aws_lambda_function: "function_name",
  aws_cloudwatch_log_group: "name",
  aws_sqs_queue: "name",
  aws_sns_topic: "name",
  aws_iam_role: "name",
  aws_glue_security_configuration: "name",
  aws_glue_catalog_database: "name",
  aws_redshift_cluster: "cluster_identifier",
  aws_redshift_parameter_group: "name",
  aws_athena_workgroup: "name",
  aws_sfn_state_machine: "name",
};

const REFERENCE =
  /(?<![\w.-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;

/** Every `${...}` interpolation in a string, nested braces included (e.g. `${jsonencode({a = 1})}`). */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let start = text.indexOf("${");
  while (start !== -1) {
    let depth = 0;
    let end = -1;
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) break;
    found.push(text.slice(start + 2, end));
    start = text.indexOf("${", end + 1);
  }
  return found;
}

/** The resource and data references inside a Terraform expression string. */
export function referencesIn(text: string): Reference[] {
  const refs: Reference[] = [];
  for (const expr of interpolations(text))
    for (const m of expr.matchAll(REFERENCE)) {
      const [, data, type, name, attribute] = m;
      refs.push({ address: `${data ? "data." : ""}${type}.${name}`, attribute });
    }
  return refs;
}

/** One element of a block that Terraform JSON may write as an object or a one-element list. */
export function one(value: unknown): Body | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return isObject(v) ? v : undefined;
}

/** A list block, whichever way it was written. */
export function many(value: unknown): Body[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(isObject);
}

export function isObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Walks `obj` along `keys`, taking the first element of any list on the way. */
export function dig(obj: unknown, ...keys: string[]): unknown {
  let value: unknown = obj;
  for (const key of keys) {
    value = one(value)?.[key];
    if (value === undefined) return undefined;
  }
  return value;
}

/** A number, or undefined when unset or not static (a `${...}` token). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** `true`/`false` literal, or undefined. */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

export interface LifecycleRule {
  readonly id?: string;
  readonly enabled: boolean;
  /** No filter, or a filter that matches every object (empty prefix). */
  readonly appliesToAll: boolean;
  readonly transitions: readonly { readonly storageClass: string; readonly days?: number }[];
  readonly abortIncompleteUploadDays?: number;
  readonly source: string;
}

export interface Redrive {
  readonly source: string;
  readonly deadLetterTarget?: Block;
  readonly deadLetterTargetArn?: string;
  readonly maxReceiveCount?: number;
}

export class StackIndex {
  readonly name: string;
  readonly json: TerraformJson;
  private readonly byType = new Map<string, Block[]>();
  private readonly byAddress = new Map<string, Block>();
  private readonly incoming = new Map<string, Incoming[]>();
  private readonly byLiteralName = new Map<string, Map<string, Block>>();
  private policyUseCache?: PolicyUse[];

  constructor(name: string, json: TerraformJson) {
    this.name = name;
    this.json = json;
    for (const mode of ["resource", "data"] as const)
      for (const block of blocksOf(json, mode)) {
        this.byAddress.set(block.address, block);
        const key = `${mode}:${block.type}`;
        this.byType.set(key, [...(this.byType.get(key) ?? []), block]);
      }
    for (const block of this.byAddress.values()) this.indexReferences(block, block.body, []);
  }

  /** Every resource of `type`, in file order. */
  resources(type: string): readonly Block[] {
    return this.byType.get(`resource:${type}`) ?? [];
  }

  /** Every data source of `type`. */
  data(type: string): readonly Block[] {
    return this.byType.get(`data:${type}`) ?? [];
  }

  get(address: string): Block | undefined {
    return this.byAddress.get(address);
  }

  /** The block a value points at when it is exactly one reference, e.g. `${aws_kms_key.k.arn}`. */
  target(value: unknown): Block | undefined {
    if (typeof value !== "string" || !value.startsWith("${") || !value.endsWith("}")) return undefined;
    const exprs = interpolations(value);
    if (exprs.length !== 1 || `\${${exprs[0]}}` !== value) return undefined;
    const refs = referencesIn(value);
    if (refs.length !== 1) return undefined;
    const ref = refs[0] as Reference;
    const expr = (exprs[0] as string).trim();
    const plain = `${ref.address}${ref.attribute ? `.${ref.attribute}` : ""}`;
    return expr === plain ? this.byAddress.get(ref.address) : undefined;
  }

  /**
   * Blocks of `type` that reference `target` anywhere, or only under `attribute`: a top-level key or a dotted path
   * with list indices left out, e.g. `destination_config.on_failure`.
   */
  referrers(target: Block, type: string, attribute?: string): Block[] {
    const seen = new Set<Block>();
    for (const ref of this.incoming.get(target.address) ?? []) {
      if (ref.from.type !== type) continue;
      const path = ref.at.filter((segment) => !/^\d+$/.test(segment)).join(".");
      if (attribute === undefined || path === attribute || path.startsWith(`${attribute}.`))
        seen.add(ref.from);
    }
    return [...seen];
  }

  /**
   * The block of `type` that `value` designates: by reference (`${aws_s3_bucket.b.id}`) or by its literal name
   * (`"my-bucket"`, or a name built from other literals).
   */
  resolve(type: string, value: unknown): Block | undefined {
    const byRef = this.target(value);
    if (byRef) return byRef.type === type ? byRef : undefined;
    const literal = this.literal(value);
    return literal === undefined ? undefined : this.literalNames(type).get(literal);
  }

  /** Blocks of `type` whose `attribute` designates `target` (by reference or literal name). */
  attached(target: Block, type: string, attribute: string): Block[] {
    return this.resources(type).filter((b) => this.resolve(target.type, b.body[attribute]) === target);
  }

  /**
   * The static value of a string: references to literal names are substituted (`/aws/lambda/${aws_lambda_function.f.function_name}`
   * becomes `/aws/lambda/my-fn`). Undefined when anything stays unknown (ARNs, account ids, variables).
   */
  literal(value: unknown, depth = 0): string | undefined {
    if (typeof value === "number") return String(value);
    if (typeof value !== "string") return undefined;
    if (!value.includes("${")) return value;
    if (depth > 5) return undefined;
    let unresolved = false;
    const out = value.replace(/\$\{([^{}]*)\}/g, (_whole, expr: string) => {
      const refs = referencesIn(`\${${expr}}`);
      const ref = refs[0];
      const block = ref ? this.byAddress.get(ref.address) : undefined;
      if (!ref || !block || refs.length !== 1 || expr.trim() !== `${ref.address}.${ref.attribute ?? ""}`) {
        unresolved = true;
        return "";
      }
      const nameAttribute = NAME_ATTRIBUTE[block.type];
      const attribute = ref.attribute === "id" && nameAttribute ? nameAttribute : (ref.attribute ?? "");
      const resolved = this.literal(block.body[attribute], depth + 1);
      if (resolved === undefined) unresolved = true;
      return resolved ?? "";
    });
    return unresolved || out.includes("${") ? undefined : out;
  }

  /** The policy document a value holds: a `data.aws_iam_policy_document` reference or literal JSON. */
  policy(value: unknown, seen: ReadonlySet<string> = new Set()): PolicyDocument | undefined {
    const block = this.target(value);
    if (block?.type === "aws_iam_policy_document" && block.mode === "data")
      return seen.has(block.address) ? undefined : this.documentOf(block, new Set([...seen, block.address]));
    if (typeof value === "string" && value.trimStart().startsWith("{")) {
      try {
        return { statements: parseJsonPolicy(JSON.parse(value)), documents: [] };
      } catch {
        return undefined;
      }
    }
    if (isObject(value)) return { statements: parseJsonPolicy(value), documents: [] };
    return undefined;
  }

  /** Every place a policy is attached, with its document when it can be read statically. */
  policyUses(): readonly PolicyUse[] {
    if (this.policyUseCache) return this.policyUseCache;
    const uses: PolicyUse[] = [];
    for (const [type, attribute, kind] of POLICY_ATTRIBUTES)
      for (const block of this.resources(type)) {
        const value = block.body[attribute];
        if (value === undefined || value === "") continue;
        uses.push({ block, attribute, kind, document: this.policy(value) });
      }
    for (const role of this.resources("aws_iam_role"))
      for (const [i, inline] of many(role.body["inline_policy"]).entries())
        if (inline["policy"] !== undefined)
          uses.push({
            block: role,
            attribute: `inline_policy[${i}]`,
            kind: "identity",
            document: this.policy(inline["policy"]),
          });
    this.policyUseCache = uses;
    return uses;
  }

  /** Lifecycle rules of a bucket: `aws_s3_bucket_lifecycle_configuration` and the legacy inline `lifecycle_rule`. */
  lifecycleRules(bucket: Block): LifecycleRule[] {
    const rules: LifecycleRule[] = [];
    for (const config of this.attached(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket"))
      for (const rule of many(config.body["rule"])) {
        const filter = one(rule["filter"]);
        const filterKeys = filter ? Object.keys(filter).filter((k) => filter[k] !== undefined) : [];
        const appliesToAll =
          (filter === undefined ||
            filterKeys.length === 0 ||
            (filterKeys.length === 1 && filter["prefix"] === "")) &&
          (rule["prefix"] === undefined || rule["prefix"] === "");
        rules.push({
          id: typeof rule["id"] === "string" ? rule["id"] : undefined,
          enabled: rule["status"] === "Enabled",
          appliesToAll,
          transitions: many(rule["transition"]).map((t) => ({
            storageClass: String(t["storage_class"] ?? ""),
            days: numberOf(t["days"]),
          })),
          abortIncompleteUploadDays: numberOf(
            dig(rule, "abort_incomplete_multipart_upload", "days_after_initiation"),
          ),
          source: config.address,
        });
      }
    for (const rule of many(bucket.body["lifecycle_rule"]))
      rules.push({
        id: typeof rule["id"] === "string" ? rule["id"] : undefined,
        enabled: booleanOf(rule["enabled"]) === true,
        appliesToAll: (rule["prefix"] ?? "") === "" && rule["tags"] === undefined,
        transitions: many(rule["transition"]).map((t) => ({
          storageClass: String(t["storage_class"] ?? ""),
          days: numberOf(t["days"]),
        })),
        abortIncompleteUploadDays: numberOf(rule["abort_incomplete_multipart_upload_days"]),
        source: bucket.address,
      });
    return rules;
  }

  /**
   * A queue's redrive policy: the inline `redrive_policy` (JSON, or `jsonencode({...})`) or a separate
   * `aws_sqs_queue_redrive_policy`. Undefined when there is none.
   */
  redrive(queue: Block): Redrive | undefined {
    const separate = this.resources("aws_sqs_queue_redrive_policy").find(
      (r) => this.target(r.body["queue_url"]) === queue,
    );
    const text = separate ? separate.body["redrive_policy"] : queue.body["redrive_policy"];
    if (typeof text !== "string" || text === "") return undefined;
    const source = separate?.address ?? queue.address;
    let arn: unknown;
    let count: unknown;
    try {
      const parsed = JSON.parse(text) as unknown;
      arn = one(parsed)?.["deadLetterTargetArn"];
      count = one(parsed)?.["maxReceiveCount"];
    } catch {
      // `${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.dlq.arn, "maxReceiveCount" = 5})}`
      const arnMatch = /"?deadLetterTargetArn"?\s*[=:]\s*"?([^,}"\s]+)"?/.exec(text);
      const countMatch = /"?maxReceiveCount"?\s*[=:]\s*"?(\d+)"?/.exec(text);
      const raw = arnMatch?.[1];
      arn = raw === undefined || /^(\$\{|arn:)/.test(raw) ? raw : `\${${raw}}`;
      count = countMatch?.[1];
    }
    return {
      source,
      deadLetterTargetArn: typeof arn === "string" ? arn : undefined,
      deadLetterTarget: this.resolve("aws_sqs_queue", arn),
      maxReceiveCount: numberOf(count),
    };
  }

  private literalNames(type: string): Map<string, Block> {
    let names = this.byLiteralName.get(type);
    if (!names) {
      names = new Map();
      const attribute = NAME_ATTRIBUTE[type];
      if (attribute)
        for (const block of this.resources(type)) {
          const name = this.literal(block.body[attribute]);
          if (name !== undefined) names.set(name, block);
        }
      this.byLiteralName.set(type, names);
    }
    return names;
  }

  private documentOf(block: Block, seen: ReadonlySet<string>): PolicyDocument | undefined {
    const statements: Statement[] = [];
    const documents = [block.address];
    for (const key of [
      "source_policy_documents",
      "source_json",
      "override_policy_documents",
      "override_json",
    ]) {
      const raw = block.body[key];
      for (const value of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
        const nested = this.policy(value, seen);
        if (!nested) return undefined;
        statements.push(...nested.statements);
        documents.push(...nested.documents);
      }
    }
    statements.push(...many(block.body["statement"]).map(statementFromHcl));
    return { statements, documents };
  }

  private indexReferences(from: Block, value: unknown, at: string[]): void {
    if (typeof value === "string") {
      if (!value.includes("${")) return;
      for (const ref of referencesIn(value)) {
        const list = this.incoming.get(ref.address) ?? [];
        list.push({ from, at, attribute: ref.attribute });
        this.incoming.set(ref.address, list);
      }
    } else if (Array.isArray(value))
      for (const [i, v] of value.entries()) this.indexReferences(from, v, [...at, String(i)]);
    else if (isObject(value))
      for (const [key, v] of Object.entries(value))
        if (key !== "//" && key !== "depends_on") this.indexReferences(from, v, [...at, key]);
  }
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** A statement's plain fields, named as HCL (`not_actions`) or as policy JSON (`NotAction`) spells them. */
const HCL_FIELDS = ["sid", "effect", "actions", "not_actions", "resources", "not_resources"] as const;
const JSON_FIELDS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"] as const;

function statementOf(
  s: Body,
  fields: typeof HCL_FIELDS | typeof JSON_FIELDS,
  rest: Pick<Statement, "principals" | "notPrincipals" | "conditions">,
): Statement {
  const [sid, effect, actions, notActions, resources, notResources] = fields.map((f) => s[f]);
  return {
    sid: typeof sid === "string" ? sid : undefined,
    effect: effect === "Deny" ? "Deny" : "Allow",
    actions: strings(actions),
    notActions: strings(notActions),
    resources: strings(resources),
    notResources: strings(notResources),
    ...rest,
  };
}

function statementFromHcl(s: Body): Statement {
  const principals = (key: string) =>
    many(s[key]).map((p) => ({ type: String(p["type"] ?? ""), identifiers: strings(p["identifiers"]) }));
  return statementOf(s, HCL_FIELDS, {
    principals: principals("principals"),
    notPrincipals: principals("not_principals"),
    conditions: many(s["condition"]).map((c) => ({
      test: String(c["test"] ?? ""),
      variable: String(c["variable"] ?? ""),
      values: strings(c["values"]),
    })),
  });
}

function parseJsonPolicy(doc: unknown): Statement[] {
  const raw = one(doc)?.["Statement"];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter(isObject).map((s) => {
    const principals = (value: unknown): Principal[] => {
      if (value === undefined) return [];
      if (value === "*") return [{ type: "*", identifiers: ["*"] }];
      return isObject(value)
        ? Object.entries(value).map(([type, ids]) => ({ type, identifiers: strings(ids) }))
        : [];
    };
    const conditions: Condition[] = [];
    for (const [test, vars] of Object.entries(one(s["Condition"]) ?? {}))
      for (const [variable, values] of Object.entries(one(vars) ?? {}))
        conditions.push({ test, variable, values: strings(values) });
    return statementOf(s, JSON_FIELDS, {
      principals: principals(s["Principal"]),
      notPrincipals: principals(s["NotPrincipal"]),
      conditions,
    });
  });
}

// ---- loading

/** The stacks synthesized under `outdir` (those with a `cdk.tf.json`), sorted by name. */
export function stackNames(outdir: string): string[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist: run make synth first`);
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(stackJsonPath(outdir, d.name)))
    .map((d) => d.name)
    .sort();
}

/** Indexes `<outdir>/stacks/<name>/cdk.tf.json` for every stack, sorted by name. */
export function loadOutdir(outdir: string): StackIndex[] {
  return stackNames(outdir).map((name) => new StackIndex(name, readStackJson(outdir, name)));
}
