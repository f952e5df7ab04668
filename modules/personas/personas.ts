import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import { type AwsContext, accountTrustStatement } from "../aws-context/index.js";
import { CATALOG_ZONES } from "../glue-catalog/index.js";
import { RolePolicy } from "../role-policy/index.js";
import {
  PERSONAS_DEFAULTS as DEFAULTS,
  PERSONAS,
  type Persona,
  type PersonasProps,
} from "./personas-props.js";

/** Catalog administration by the data steward: databases, tables and partitions of the lake's databases. */
const CATALOG_ADMIN_ACTIONS = [
  "glue:BatchCreatePartition",
  "glue:BatchDeletePartition",
  "glue:BatchDeleteTable",
  "glue:BatchGetPartition",
  "glue:BatchUpdatePartition",
  "glue:CreatePartition",
  "glue:CreateTable",
  "glue:DeletePartition",
  "glue:DeleteTable",
  "glue:DeleteTableVersion",
  "glue:GetDatabase",
  "glue:GetDatabases",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:GetTable",
  "glue:GetTableVersion",
  "glue:GetTableVersions",
  "glue:GetTables",
  "glue:UpdateDatabase",
  "glue:UpdatePartition",
  "glue:UpdateTable",
];

/** Workgroup administration by the data steward (not creation or deletion: Terraform owns those). */
const WORKGROUP_ADMIN_ACTIONS = [
  "athena:BatchGetNamedQuery",
  "athena:CreateNamedQuery",
  "athena:DeleteNamedQuery",
  "athena:GetNamedQuery",
  "athena:GetWorkGroup",
  "athena:ListNamedQueries",
  "athena:ListQueryExecutions",
  "athena:GetQueryExecution",
  "athena:StopQueryExecution",
  "athena:UpdateWorkGroup",
];

/** What a steward may read and change of a zone bucket's configuration: retention and tags, never its policy. */
const BUCKET_GOVERNANCE_ACTIONS = [
  "s3:GetBucketLogging",
  "s3:GetBucketOwnershipControls",
  "s3:GetBucketPolicy",
  "s3:GetBucketPublicAccessBlock",
  "s3:GetBucketTagging",
  "s3:GetBucketVersioning",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:PutBucketTagging",
  "s3:PutLifecycleConfiguration",
];

/** Reading QuickSight content of this account (the BI analyst, when QuickSight is on). */
const QUICKSIGHT_READ_ACTIONS = [
  "quicksight:DescribeAnalysis",
  "quicksight:DescribeDashboard",
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSource",
  "quicksight:ListAnalyses",
  "quicksight:ListDashboards",
  "quicksight:ListDataSets",
  "quicksight:QueryDashboard",
];

/**
 * One IAM role per person who uses the lake, each reaching exactly its zones:
 * - **steward** administers the lake: the catalog's databases and tables, both workgroups' settings and saved
 *   queries, zone buckets' retention and tags; reads every zone, writes none.
 * - **engineer** reads and writes every data zone (drop, raw, curated, quarantine), registers tables and
 *   partitions, starts the crawlers and Glue jobs, and queries in the lake workgroup.
 * - **scientist** reads curated, writes only `scientistPrefix` of curated, and queries in the analysts workgroup.
 * - **analyst** (BI) reads curated through the analysts workgroup only; QuickSight content when enabled.
 * Roles are assumed by `trustedPrincipalArns`, or by default by the account's principals whose tag
 * `event-lake-persona` names the persona (an SSO permission set passes it as a session tag).
 */
/** The principal tag that admits a principal to a persona role when no principals are named. */
export const PERSONA_TAG = (persona: string) => ({ key: "event-lake-persona", value: persona });

export class Personas extends Construct {
  readonly roles: Readonly<Record<Persona, IamRole>>;
  readonly policies: Readonly<Record<Persona, RolePolicy>>;
  readonly scientistPrefix: string;

  constructor(scope: Construct, id: string, props: PersonasProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    this.scientistPrefix = props.scientistPrefix ?? DEFAULTS.scientistPrefix;

    // Build: one role and inline policy per persona.
    // Named principals share one trust document; without them each persona admits only principals tagged for it.
    const trustActions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
    const named = props.trustedPrincipalArns;
    const sharedTrust = named
      ? new DataAwsIamPolicyDocument(this, "trust", {
          statement: [
            accountTrustStatement(aws, { principalArns: named, tag: PERSONA_TAG("") }, trustActions),
          ],
        })
      : undefined;
    const trustOf = (persona: Persona) =>
      sharedTrust ??
      new DataAwsIamPolicyDocument(this, `trust-${persona}`, {
        statement: [accountTrustStatement(aws, { tag: PERSONA_TAG(persona) }, trustActions)],
      });
    const roles = {} as Record<Persona, IamRole>;
    const policies = {} as Record<Persona, RolePolicy>;
    for (const persona of PERSONAS) {
      roles[persona] = new IamRole(this, `role-${persona}`, {
        name: props.roleNames[persona],
        description: `event-lake ${DESCRIPTIONS[persona]}`,
        assumeRolePolicy: trustOf(persona).json,
        maxSessionDuration: props.maxSessionDurationSeconds ?? DEFAULTS.maxSessionDurationSeconds,
      });
      policies[persona] = new RolePolicy(this, `policy-${persona}`, {
        role: roles[persona],
        policyName: `event-lake-${persona}`,
      });
    }
    this.roles = roles;
    this.policies = policies;

    // Wire.
    this.steward(props);
    this.engineer(props);
    this.scientist(props);
    this.analyst(props, aws);
  }

  private steward(props: PersonasProps): void {
    const policy = this.policies.steward;
    const zones = Object.values(props.zones);
    for (const zone of zones) zone.grantRead(policy);
    policy.addStatements(
      { sid: "CatalogAdministration", actions: CATALOG_ADMIN_ACTIONS, resources: catalogArns(props) },
      {
        sid: "WorkgroupAdministration",
        actions: WORKGROUP_ADMIN_ACTIONS,
        resources: [props.workgroups.lake.arn, props.workgroups.analysts.arn],
      },
      {
        sid: "ZoneBucketGovernance",
        actions: BUCKET_GOVERNANCE_ACTIONS,
        resources: zones.map((z) => z.bucket.arn),
      },
    );
  }

  private engineer(props: PersonasProps): void {
    const policy = this.policies.engineer;
    for (const zone of Object.values(props.zones)) {
      zone.grantRead(policy);
      zone.grantWrite(policy);
    }
    for (const zone of CATALOG_ZONES) {
      props.catalog.grantReadCatalog(policy, zone);
      props.catalog.grantWriteCatalog(policy, zone, { tables: true });
    }
    props.workgroups.lake.grantQuery(policy);
    const crawlers = props.crawlers ?? [];
    if (crawlers.length > 0)
      policy.addStatements({
        sid: "RunCrawlers",
        actions: ["glue:GetCrawler", "glue:GetCrawlerMetrics", "glue:StartCrawler", "glue:StopCrawler"],
        resources: crawlers.map((c) => c.arn),
      });
    const jobs = props.jobs ?? [];
    if (jobs.length > 0)
      policy.addStatements({
        sid: "RunJobs",
        actions: [
          "glue:BatchStopJobRun",
          "glue:GetJob",
          "glue:GetJobRun",
          "glue:GetJobRuns",
          "glue:StartJobRun",
        ],
        resources: jobs.map((j) => j.arn),
      });
  }

  private scientist(props: PersonasProps): void {
    const policy = this.policies.scientist;
    props.zones.curated.grantRead(policy);
    props.zones.curated.grantWrite(policy, this.scientistPrefix);
    props.catalog.grantReadCatalog(policy, "curated");
    props.workgroups.analysts.grantQuery(policy);
  }

  private analyst(props: PersonasProps, aws: AwsContext): void {
    const policy = this.policies.analyst;
    props.zones.curated.grantRead(policy);
    props.catalog.grantReadCatalog(policy, "curated");
    props.workgroups.analysts.grantQuery(policy);
    if (props.quicksight ?? DEFAULTS.quicksight)
      policy.addStatements({
        sid: "QuickSightRead",
        actions: QUICKSIGHT_READ_ACTIONS,
        resources: ["dashboard/*", "analysis/*", "dataset/*", "datasource/*"].map((r) =>
          aws.arn("quicksight", r),
        ),
      });
  }
}

const DESCRIPTIONS: Readonly<Record<Persona, string>> = {
  steward: "data steward: administers the catalog, workgroups and zone buckets",
  engineer: "data engineer: reads and writes every zone, runs crawlers, jobs and the lake workgroup",
  scientist:
    "data scientist: reads curated, writes its own curated prefix, queries in the analysts workgroup",
  analyst: "BI analyst: reads curated through the analysts workgroup",
};

function catalogArns(props: PersonasProps): string[] {
  return [...new Set(CATALOG_ZONES.flatMap((zone) => props.catalog.zoneArns(zone)))];
}

function validate(props: PersonasProps): void {
  const problems: string[] = [];
  for (const persona of PERSONAS) {
    const name = props.roleNames[persona];
    if (!/^[\w+=,.@-]{1,64}$/.test(name))
      problems.push(`roleNames.${persona} "${name}" must be 1-64 letters, digits or +=,.@_-`);
  }
  const names = PERSONAS.map((p) => props.roleNames[p]);
  if (new Set(names).size !== names.length) problems.push("roleNames must be distinct");
  const prefix = props.scientistPrefix;
  if (prefix !== undefined && !/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9_-]+)*\/$/.test(prefix))
    problems.push(
      `scientistPrefix "${prefix}" must be a lower-case key prefix ending in "/", e.g. "sandbox/"`,
    );
  const seconds = props.maxSessionDurationSeconds;
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200))
    problems.push(`maxSessionDurationSeconds must be 3600 to 43200, got ${seconds}`);
  if (props.trustedPrincipalArns !== undefined && props.trustedPrincipalArns.length === 0)
    problems.push(
      "trustedPrincipalArns must not be empty (leave it unset to admit principals tagged event-lake-persona=<persona>)",
    );
  if (problems.length > 0) throw new Error(`Personas: ${problems.join("; ")}`);
}
