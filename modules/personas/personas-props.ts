import type { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import type { GlueJob } from "@cdktf/provider-aws/lib/glue-job";
import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import type { AwsContext } from "../aws-context/index.js";
import type { GlueCatalog } from "../glue-catalog/index.js";
import type { ZoneBucket } from "../zone-bucket/index.js";

/** The people who use the lake, one IAM role each. */
export const PERSONAS = ["steward", "engineer", "scientist", "analyst"] as const;
export type Persona = (typeof PERSONAS)[number];

/** The lake's data zones a persona may be granted. */
export interface PersonaZones {
  readonly drop: ZoneBucket;
  readonly raw: ZoneBucket;
  readonly curated: ZoneBucket;
  readonly quarantine: ZoneBucket;
}

export interface PersonasProps {
  readonly context: AwsContext;
  /** Physical role names, from the naming helper (at most 64 characters). */
  readonly roleNames: Readonly<Record<Persona, string>>;
  readonly zones: PersonaZones;
  readonly catalog: GlueCatalog;
  /** `lake`: transforms and engineers; `analysts`: read-only analysis (scientists and BI analysts). */
  readonly workgroups: { readonly lake: AthenaWorkgroup; readonly analysts: AthenaWorkgroup };
  /** Crawlers the data engineer may start. @default none */
  readonly crawlers?: readonly GlueCrawler[];
  /** Glue jobs the data engineer may run. @default none */
  readonly jobs?: readonly GlueJob[];
  /**
   * Principals that may assume every persona role, e.g. SSO permission-set roles.
   * @default the account's principals whose tag `event-lake-persona` is the persona's name (`steward`, `engineer`,
   * `scientist`, `analyst`): the account root with an aws:PrincipalTag condition, one trust document per persona
   */
  readonly trustedPrincipalArns?: readonly string[];
  /**
   * The prefix of the curated zone the data scientist may write (feature sets, experiments). It must end in "/".
   * @default "sandbox/"
   */
  readonly scientistPrefix?: string;
  /** Give the BI analyst read access to the account's QuickSight dashboards, analyses and data sets. @default false */
  readonly quicksight?: boolean;
  /** Longest session, in seconds (1 to 12 hours). @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

/** Defaults, in one place so tests and docs can pin them. */
export const PERSONAS_DEFAULTS = {
  scientistPrefix: "sandbox/",
  quicksight: false,
  maxSessionDurationSeconds: 3600,
} as const;
