import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import type { AwsContext, Grantee } from "../aws-context/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";
import {
  type AthenaWorkgroupProps,
  ATHENA_WORKGROUP_DEFAULTS as DEFAULTS,
} from "./athena-workgroup-props.js";

/** One saved query of the workgroup. */
export interface NamedQueryProps {
  /** Unique within the workgroup; also the construct id suffix (a Terraform address). */
  readonly name: string;
  readonly description: string;
  readonly database: string;
  readonly sql: string;
}

/**
 * An Athena workgroup whose configuration clients cannot override: engine version 3, results in the results zone
 * under the workgroup's prefix with SSE-KMS (that zone's key), a bytes-scanned cutoff per query and CloudWatch
 * metrics. Applied after the caller's props, so none of it can be switched off. Access with `grantQuery`.
 */
export class AthenaWorkgroup extends Construct {
  readonly workgroup: AthenaWorkgroupResource;
  readonly namedQueries: Record<string, AthenaNamedQuery> = {};
  readonly resultsPrefix: string;
  private readonly context: AwsContext;
  private readonly results: ZoneBucket;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    validate(props);
    this.context = props.context;
    this.results = props.results;
    this.resultsPrefix = props.resultsPrefix ?? `${props.name}/`;
    const key = props.results.key;
    if (!key)
      throw new Error(`AthenaWorkgroup ${props.name}: results zone ${props.results.zone} has no KMS key`);
    const force = props.forceDestroy?.enabled === true && props.forceDestroy.acknowledgeQueryLoss === true;
    this.workgroup = new AthenaWorkgroupResource(this, "workgroup", {
      name: props.name,
      description: props.description,
      state: "ENABLED",
      forceDestroy: force,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULTS.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: DEFAULTS.engineVersion },
        resultConfiguration: {
          outputLocation: `s3://${props.results.bucket.bucket}/${this.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key.arn },
          expectedBucketOwner: props.context.accountId,
        },
      },
    });
  }

  get name(): string {
    return this.workgroup.name;
  }

  get arn(): string {
    return this.workgroup.arn;
  }

  /** A saved query in this workgroup. */
  addNamedQuery(query: NamedQueryProps): AthenaNamedQuery {
    if (this.namedQueries[query.name]) throw new Error(`AthenaWorkgroup: named query "${query.name}" exists`);
    const named = new AthenaNamedQuery(this, `query-${query.name}`, {
      name: query.name,
      description: query.description,
      database: query.database,
      query: query.sql,
      workgroup: this.workgroup.name,
    });
    this.namedQueries[query.name] = named;
    return named;
  }

  /**
   * Run queries in this workgroup and read their results: the Athena calls on this workgroup's ARN, and the
   * results prefix (read and write, with the results zone's key). Catalog and data access are the catalog's and
   * the zones' own grants.
   */
  grantQuery(grantee: Grantee): void {
    grantee.addStatements(
      {
        actions: [
          "athena:BatchGetNamedQuery",
          "athena:GetNamedQuery",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:GetWorkGroup",
          "athena:ListNamedQueries",
          "athena:ListQueryExecutions",
          "athena:StartQueryExecution",
          "athena:StopQueryExecution",
        ],
        resources: [this.workgroup.arn],
      },
      {
        // Athena checks the results bucket's region before it writes there.
        actions: ["s3:GetBucketLocation"],
        resources: [this.results.bucket.arn],
      },
    );
    this.results.grantRead(grantee, this.resultsPrefix);
    this.results.grantWrite(grantee, this.resultsPrefix);
  }
}

function validate(props: AthenaWorkgroupProps): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(props.name))
    problems.push(`name "${props.name}" must be 1-128 letters, digits, ".", "-" or "_"`);
  const cutoff = props.bytesScannedCutoffPerQuery;
  if (cutoff !== undefined && (!Number.isInteger(cutoff) || cutoff < DEFAULTS.minimumCutoff))
    problems.push(
      `bytesScannedCutoffPerQuery must be a whole number >= ${DEFAULTS.minimumCutoff} (10 MB), got ${cutoff}`,
    );
  const prefix = props.resultsPrefix;
  if (prefix !== undefined && (!prefix.endsWith("/") || prefix.startsWith("/")))
    problems.push(`resultsPrefix "${prefix}" must end with "/" and not start with one`);
  if (props.forceDestroy?.enabled === true && props.forceDestroy.acknowledgeQueryLoss !== true)
    problems.push("forceDestroy.enabled needs forceDestroy.acknowledgeQueryLoss: true as well");
  if (problems.length > 0) throw new Error(`AthenaWorkgroup ${props.name}: ${problems.join("; ")}`);
}
