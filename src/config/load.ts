import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { projectRoot } from "../core/paths.js";
import { featureDefaults } from "./features.js";
import { describeJsonError } from "./json-error.js";
import { readMoto } from "./moto-state.js";
import {
  type AuthConfig,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  type FeatureConfig,
  type GithubConfig,
  type LakeConfig,
  REDSHIFT_ENGINES,
  type RedshiftEngine,
  type StateConfig,
  type TrustedPrincipals,
} from "./types.js";

/** The committed config file. `EVENT_LAKE_CONFIG` points at another one. */
export const DEFAULT_CONFIG_FILE = "src/config/environments.json";

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid event-lake config (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const PREFIX = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const DEPLOYER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/*-]{1,512}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOOPBACK_URL = /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/;

/**
 * `EVENT_LAKE_<ENV>_<FIELD>` overrides a scalar field of one environment and `EVENT_LAKE_STATE_<FIELD>` one of
 * the state settings, e.g. `EVENT_LAKE_TEST_ACCOUNT_ID`, `EVENT_LAKE_TEST_AUTH_ROLE_ARN`,
 * `EVENT_LAKE_LOCAL_ENDPOINT`. An empty value unsets an optional field.
 */
export function overrideVariable(scope: string, path: readonly string[]): string {
  const snake = path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase());
  return ["EVENT_LAKE", scope.toUpperCase(), ...snake].join("_");
}

/** Reads the config file (or `EVENT_LAKE_CONFIG`), applies environment overrides and validates. */
export function loadConfig(options: { env?: Env; file?: string; cwd?: string } = {}): LakeConfig {
  const env = options.env ?? process.env;
  const root = options.cwd ?? projectRoot();
  const file = resolve(root, options.file ?? env["EVENT_LAKE_CONFIG"] ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(file, [`cannot read the config file: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [
      describeJsonError(text, file) ?? `not valid JSON: ${(error as Error).message}`,
    ]);
  }
  return parseConfig(raw, { env, source: file, root });
}

/** Pure: validates a parsed config object, collecting every problem before throwing once. */
export function parseConfig(
  raw: unknown,
  options: { env?: Env; source?: string; root?: string } = {},
): LakeConfig {
  const env = options.env ?? {};
  const source = options.source ?? "<inline>";
  const root = options.root ?? projectRoot();
  const problems: string[] = [];
  if (!isObject(raw)) throw new ConfigError(source, ["the config must be a JSON object"]);

  rejectUnknown(raw, ["project", "state", "environments", "github"], "", problems);
  const project = typeof raw["project"] === "string" ? raw["project"] : "";
  if (!PREFIX.test(project))
    problems.push(`project: "${project}" must be lower-case letters, digits and hyphens`);

  const state = parseState(isObject(raw["state"]) ? raw["state"] : {}, env, problems);
  const envs = isObject(raw["environments"]) ? raw["environments"] : {};
  rejectUnknown(envs, ENVIRONMENT_NAMES, "environments.", problems);
  const environments = {} as Record<EnvironmentName, EnvironmentConfig>;
  for (const name of ENVIRONMENT_NAMES) {
    const block = envs[name];
    if (!isObject(block)) {
      problems.push(`environments.${name}: missing (environment "${name}")`);
      continue;
    }
    environments[name] = parseEnvironment(name, block, env, root, problems);
  }

  const prefixes = new Map<string, string>();
  for (const e of Object.values(environments)) {
    const other = prefixes.get(e.prefix);
    if (other)
      problems.push(
        `environments.${e.name}.prefix: "${e.prefix}" is also ${other}'s prefix; names would collide`,
      );
    prefixes.set(e.prefix, e.name);
  }
  const github = isObject(raw["github"]) ? parseGithub(raw["github"], env, problems) : undefined;
  if (raw["github"] !== undefined && !isObject(raw["github"]))
    problems.push(`github: must be an object like { "owner": "my-org", "repo": "event-lake" }`);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { project, state, environments, source, ...(github ? { github } : {}) };
}

/** `github: { owner, repo }`, overridden as EVENT_LAKE_GITHUB_OWNER and EVENT_LAKE_GITHUB_REPO. */
function parseGithub(block: Record<string, Json>, env: Env, problems: string[]): GithubConfig {
  rejectUnknown(block, ["owner", "repo"], "github.", problems);
  const owner = scalar(block, ["owner"], "github", env) ?? "";
  const repo = scalar(block, ["repo"], "github", env) ?? "";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/.test(owner))
    problems.push(`github.owner: "${owner}" is not a GitHub user or organization name`);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(repo) || repo === "." || repo === "..")
    problems.push(`github.repo: "${repo}" is not a GitHub repository name`);
  return { owner, repo };
}

function parseState(block: Record<string, Json>, env: Env, problems: string[]): StateConfig {
  const keys = ["bucket", "region", "keyPrefix", "accountId", "profile", "roleName", "deployers"] as const;
  if (block["roleArn"] !== undefined)
    problems.push(
      'state.roleArn: replaced by state.roleName (e.g. "event-lake-tfstate"): each environment now has its own state role, <roleName>-<env> (docs/delivery.md)',
    );
  const { roleArn: _replaced, ...rest } = block;
  rejectUnknown(rest, keys, "state.", problems);
  const get = (key: Exclude<(typeof keys)[number], "deployers">) => scalar(block, [key], "state", env);
  const field = (key: string) => `state.${key} (the shared state bucket)`;
  const bucket = get("bucket") ?? "";
  const region = get("region") ?? "";
  const keyPrefix = get("keyPrefix") ?? "";
  const accountId = get("accountId") ?? "";
  const roleName = get("roleName");
  if (!BUCKET.test(bucket)) problems.push(`${field("bucket")}: "${bucket}" is not a valid S3 bucket name`);
  if (!REGION.test(region)) problems.push(`${field("region")}: "${region}" is not an AWS region`);
  if (!/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/.test(keyPrefix))
    problems.push(`${field("keyPrefix")}: "${keyPrefix}" must not start or end with "/"`);
  if (!ACCOUNT_ID.test(accountId))
    problems.push(`${field("accountId")}: "${accountId}" is not a 12-digit account id`);
  // The longest role made from it is <roleName>-sandbox-plan; IAM role names are at most 64 characters.
  if (roleName !== undefined && !/^[\w+=,.@-]{1,51}$/.test(roleName))
    problems.push(`${field("roleName")}: "${roleName}" is not an IAM role name of at most 51 characters`);
  const deployers = parseDeployers(block["deployers"], problems);
  return { bucket, region, keyPrefix, accountId, profile: get("profile"), roleName, deployers };
}

/** `state.deployers`: `{ "<env>": ["arn:aws:iam::<account>:role/<name>", …] }`, `*` allowed in the name only. */
function parseDeployers(value: Json | undefined, problems: string[]): StateConfig["deployers"] {
  if (value === undefined) return {};
  const at = "state.deployers";
  if (!isObject(value)) {
    problems.push(`${at}: must be an object like { "test": ["arn:aws:iam::111111111111:role/deployer"] }`);
    return {};
  }
  const deployers: Partial<Record<EnvironmentName, readonly string[]>> = {};
  for (const [name, arns] of Object.entries(value)) {
    if (name !== "test" && name !== "sandbox") {
      problems.push(`${at}.${name}: unknown environment (expected test or sandbox; local has no state role)`);
      continue;
    }
    if (!Array.isArray(arns) || arns.some((a) => typeof a !== "string")) {
      problems.push(`${at}.${name}: must be a list of IAM role ARNs`);
      continue;
    }
    for (const arn of arns as string[])
      if (!DEPLOYER_ARN.test(arn))
        problems.push(
          `${at}.${name}: "${arn}" is not an IAM role ARN with a literal account (a * may stand for part of the name)`,
        );
    deployers[name] = arns as string[];
  }
  return deployers;
}

function parseEnvironment(
  name: EnvironmentName,
  block: Record<string, Json>,
  env: Env,
  root: string,
  problems: string[],
): EnvironmentConfig {
  const isLocal = name === "local";
  const allowed = [
    "accountId",
    "region",
    "prefix",
    "auth",
    "alertEmail",
    "tags",
    "features",
    "trustedPrincipals",
    ...(isLocal ? ["local"] : []),
  ];
  rejectUnknown(block, allowed, `environments.${name}.`, problems);
  const field = (path: string) => `environments.${name}.${path} (environment "${name}")`;
  const get = (...path: string[]) => scalar(block, path, name, env);

  const accountId = get("accountId") ?? "";
  const region = get("region") ?? "";
  const prefix = get("prefix") ?? "";
  if (!ACCOUNT_ID.test(accountId))
    problems.push(`${field("accountId")}: "${accountId}" is not a 12-digit account id`);
  if (!REGION.test(region))
    problems.push(`${field("region")}: "${region}" is not an AWS region, e.g. eu-west-1`);
  if (!PREFIX.test(prefix))
    problems.push(`${field("prefix")}: "${prefix}" must be 3-30 lower-case letters, digits or hyphens`);

  const authBlock = isObject(block["auth"]) ? block["auth"] : {};
  rejectUnknown(authBlock, ["profile", "roleArn", "sessionName"], `environments.${name}.auth.`, problems);
  const auth: AuthConfig = {
    profile: get("auth", "profile"),
    roleArn: get("auth", "roleArn"),
    sessionName: get("auth", "sessionName") ?? `event-lake-${name}`,
  };
  checkRole(auth.roleArn, accountId, field("auth.roleArn"), problems);
  if (!isLocal && !auth.profile && !auth.roleArn)
    problems.push(
      `${field("auth")}: set auth.profile or auth.roleArn, so Terraform knows how to reach the account`,
    );

  const alertEmail = get("alertEmail");
  if (alertEmail && !EMAIL.test(alertEmail))
    problems.push(`${field("alertEmail")}: "${alertEmail}" is not an e-mail`);

  const tags: Record<string, string> = {};
  const tagBlock = block["tags"] ?? {};
  if (!isObject(tagBlock)) problems.push(`${field("tags")}: must be an object of strings`);
  else
    for (const [key, value] of Object.entries(tagBlock)) {
      if (typeof value !== "string" || key.length === 0 || key.length > 128 || value.length > 256)
        problems.push(
          `${field(`tags.${key}`)}: tags are strings, keys up to 128 and values up to 256 characters`,
        );
      else tags[key] = value;
    }

  let endpoint: string | undefined;
  let stateDir: string | undefined;
  if (isLocal) {
    const localBlock = isObject(block["local"]) ? block["local"] : {};
    rejectUnknown(localBlock, ["endpoint", "stateDir"], `environments.${name}.local.`, problems);
    // Overridden as EVENT_LAKE_LOCAL_ENDPOINT and EVENT_LAKE_LOCAL_STATE_DIR.
    endpoint = nonEmpty(env[overrideVariable(name, ["endpoint"])]) ?? stringOf(localBlock["endpoint"]);
    stateDir = nonEmpty(env[overrideVariable(name, ["stateDir"])]) ?? stringOf(localBlock["stateDir"]);
    if (!stateDir) problems.push(`${field("local.stateDir")}: missing`);
    else stateDir = resolve(root, stateDir);
    // A moto started by `make local/up` records its port there; it wins over the file, not over the variable.
    const running =
      stateDir && env[overrideVariable(name, ["endpoint"])] === undefined ? readMoto(stateDir) : undefined;
    if (running) endpoint = running.endpoint;
    if (!endpoint || !LOOPBACK_URL.test(endpoint))
      problems.push(
        `${field("local.endpoint")}: "${endpoint ?? ""}" must be a loopback URL like http://127.0.0.1:4566`,
      );
  }

  const features = parseFeatures(name, block, env, problems);
  const trustedPrincipals = parseTrustedPrincipals(name, block["trustedPrincipals"], problems);

  return {
    name,
    accountId,
    region,
    prefix,
    auth,
    alertEmail,
    tags: { Project: "event-lake", Environment: name, ManagedBy: "cdktf", ...tags },
    features,
    trustedPrincipals,
    endpoint,
    stateDir,
  };
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** `trustedPrincipals: { producers?: [arn], personas?: [arn] }`: non-empty lists of IAM role or user ARNs. */
function parseTrustedPrincipals(
  name: EnvironmentName,
  raw: Json | undefined,
  problems: string[],
): TrustedPrincipals {
  if (raw === undefined) return {};
  const at = `environments.${name}.trustedPrincipals`;
  if (!isObject(raw)) {
    problems.push(
      `${at} (environment "${name}"): must be an object like { "producers": ["arn:aws:iam::…:role/…"] }`,
    );
    return {};
  }
  rejectUnknown(raw, ["producers", "personas"], `${at}.`, problems);
  const list = (key: "producers" | "personas"): string[] | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    const field = `${at}.${key} (environment "${name}")`;
    if (!Array.isArray(value) || value.length === 0) {
      problems.push(
        `${field}: must be a non-empty list of IAM role or user ARNs (leave it out for tagged principals)`,
      );
      return undefined;
    }
    const bad = value.filter((v) => typeof v !== "string" || !PRINCIPAL_ARN.test(v));
    if (bad.length > 0)
      problems.push(
        `${field}: ${bad.map((b) => JSON.stringify(b)).join(", ")} is not an IAM role or user ARN`,
      );
    return value.filter((v): v is string => typeof v === "string" && PRINCIPAL_ARN.test(v));
  };
  const producers = list("producers");
  const personas = list("personas");
  return { ...(producers ? { producers } : {}), ...(personas ? { personas } : {}) };
}

const NODE_TYPE = /^(ra3\.(xlplus|large|4xlarge|16xlarge)|dc2\.(large|8xlarge))$/;

/**
 * `features`: each field optional, defaulting per environment (src/config/features.ts); booleans are JSON booleans,
 * or "true"/"false" in their EVENT_LAKE_<ENV>_FEATURES_<FIELD> variable.
 */
function parseFeatures(
  name: EnvironmentName,
  block: Record<string, Json>,
  env: Env,
  problems: string[],
): FeatureConfig {
  const defaults = featureDefaults(name);
  const raw = block["features"] ?? {};
  const field = (key: string) => `environments.${name}.features.${key} (environment "${name}")`;
  if (!isObject(raw)) {
    problems.push(
      `environments.${name}.features (environment "${name}"): must be an object like { "sagemaker": true }`,
    );
    return defaults;
  }
  rejectUnknown(raw, Object.keys(defaults), `environments.${name}.features.`, problems);
  const value = (key: keyof FeatureConfig): Json | undefined => {
    const fromEnv = env[overrideVariable(name, ["features", key])];
    return fromEnv === undefined || fromEnv === "" ? raw[key] : fromEnv;
  };
  const flag = (key: keyof FeatureConfig & string): boolean => {
    const v = value(key);
    const fallback = defaults[key] as boolean;
    if (v === undefined) return fallback;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    problems.push(`${field(key)}: ${JSON.stringify(v)} must be true or false`);
    return fallback;
  };
  // Read in field order, so the problems come out in the order of the file.
  const natGateway = flag("natGateway");
  const lambdasInVpc = flag("lambdasInVpc");
  const trailDataEvents = flag("trailDataEvents");
  const trailCloudWatchLogs = flag("trailCloudWatchLogs");
  const engineValue = value("redshift") ?? defaults.redshift;
  let redshift: RedshiftEngine = defaults.redshift;
  if ((REDSHIFT_ENGINES as readonly Json[]).includes(engineValue)) redshift = engineValue as RedshiftEngine;
  else
    problems.push(
      `${field("redshift")}: ${JSON.stringify(engineValue)} must be one of ${REDSHIFT_ENGINES.join(", ")}`,
    );
  const nodeTypeValue = value("redshiftNodeType") ?? defaults.redshiftNodeType;
  const redshiftNodeType = typeof nodeTypeValue === "string" ? nodeTypeValue : "";
  if (!NODE_TYPE.test(redshiftNodeType))
    problems.push(
      `${field("redshiftNodeType")}: ${JSON.stringify(nodeTypeValue)} is not a current Redshift node type (ra3.xlplus, ra3.large, ra3.4xlarge, ra3.16xlarge, dc2.large, dc2.8xlarge)`,
    );
  const nodesValue = value("redshiftNodes") ?? defaults.redshiftNodes;
  const redshiftNodes =
    typeof nodesValue === "string" && /^\d+$/.test(nodesValue) ? Number(nodesValue) : nodesValue;
  if (
    typeof redshiftNodes !== "number" ||
    !Number.isInteger(redshiftNodes) ||
    redshiftNodes < 1 ||
    redshiftNodes > 128
  )
    problems.push(
      `${field("redshiftNodes")}: ${JSON.stringify(nodesValue)} must be a whole number from 1 to 128`,
    );

  const features: FeatureConfig = {
    natGateway,
    lambdasInVpc,
    trailDataEvents,
    trailCloudWatchLogs,
    redshift,
    redshiftNodeType,
    redshiftNodes: typeof redshiftNodes === "number" ? redshiftNodes : defaults.redshiftNodes,
    quicksightAthena: flag("quicksightAthena"),
    quicksightRedshift: flag("quicksightRedshift"),
    sagemaker: flag("sagemaker"),
    lakeFormation: flag("lakeFormation"),
  };
  if (features.quicksightRedshift && features.redshift === "off")
    problems.push(`${field("quicksightRedshift")}: needs a warehouse, but features.redshift is "off"`);
  return features;
}

/** A string leaf, taking its environment override into account; "" means unset. */
function scalar(
  block: Record<string, Json>,
  path: readonly string[],
  scope: string,
  env: Env,
): string | undefined {
  const fromEnv = env[overrideVariable(scope, path)];
  let value: Json | undefined = block;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  const chosen = fromEnv ?? (typeof value === "number" ? String(value) : stringOf(value));
  return chosen === undefined || chosen === "" ? undefined : chosen;
}

function checkRole(roleArn: string | undefined, accountId: string, field: string, problems: string[]): void {
  if (roleArn === undefined) return;
  const match = ROLE_ARN.exec(roleArn);
  if (!match) problems.push(`${field}: "${roleArn}" is not an IAM role ARN`);
  else if (match[1] !== accountId)
    problems.push(`${field}: the role is in account ${match[1]}, but the account is ${accountId}`);
}

function rejectUnknown(
  block: Record<string, Json>,
  allowed: readonly string[],
  at: string,
  problems: string[],
): void {
  for (const key of Object.keys(block))
    if (!allowed.includes(key))
      problems.push(`${at}${key}: unknown field (expected one of ${allowed.join(", ")})`);
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

function stringOf(value: Json | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** In the core since modules use it too (issue 17); re-exported so the app keeps one import. */
export { projectRoot } from "../core/paths.js";
