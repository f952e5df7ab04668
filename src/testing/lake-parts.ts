import type { TerraformStack } from "cdktf";
import { AthenaWorkgroup } from "../../modules/athena-workgroup/index.js";
import { AwsContext } from "../../modules/aws-context/index.js";
import { GlueCatalog } from "../../modules/glue-catalog/index.js";
import { Network, type NetworkProps } from "../../modules/network/index.js";
import { type Persona, Personas } from "../../modules/personas/index.js";
import { ZoneBucket } from "../../modules/zone-bucket/index.js";
import orders from "../pipelines/definitions/orders.js";
import { catalogTable } from "../stacks/pipeline-props.js";

/** The prefix of every physical name the parts get. */
const PREFIX = "event-lake-test";

/** The names of the persona roles `lakeParts` builds when asked for `personas`. */
export const PERSONA_ROLE_NAMES = {
  steward: `${PREFIX}-data-steward`,
  engineer: `${PREFIX}-data-engineer`,
  scientist: `${PREFIX}-data-scientist`,
  analyst: `${PREFIX}-bi-analyst`,
} as const satisfies Record<Persona, string>;

export type LakeWorkgroupName = "lake" | "analysts";

/** The Network props a test may vary; the rest are fixed. */
export type LakeNetworkOptions = Pick<NetworkProps, "interfaceEndpoints" | "natGateway">;

/** What to build besides the context, the drop/raw/curated zones and the catalog, which are always built. */
export interface LakePartsOptions {
  /** The quarantine zone too, `zone-quarantine` (Personas and Lake Formation govern it). @default false */
  readonly quarantine?: boolean;
  /**
   * The Athena results zone `zone-athena-results` and these workgroups over it, `workgroup-<name>` named
   * `event-lake-test-<name>`, built in this order.
   * @default none, and no results zone
   */
  readonly workgroups?: readonly LakeWorkgroupName[];
  /** A Network `network` named `event-lake-test`; an object sets the props tests vary. @default none */
  readonly network?: boolean | LakeNetworkOptions;
  /**
   * Personas `personas` (PERSONA_ROLE_NAMES) over the zones, the catalog and both workgroups; needs `quarantine`
   * and the workgroups `lake` and `analysts`.
   * @default none
   */
  readonly personas?: boolean;
}

interface CatalogZones {
  readonly drop: ZoneBucket;
  readonly raw: ZoneBucket;
  readonly curated: ZoneBucket;
}

/** The parts `lakeParts` built: only those `O` asked for are in the type. */
export type LakeParts<O extends LakePartsOptions = LakePartsOptions> = {
  readonly context: AwsContext;
  readonly zones: O extends { readonly quarantine: true }
    ? CatalogZones & { readonly quarantine: ZoneBucket }
    : CatalogZones;
  readonly catalog: GlueCatalog;
} & (O extends { readonly workgroups: readonly (infer W extends LakeWorkgroupName)[] }
  ? { readonly results: ZoneBucket; readonly workgroups: { readonly [K in W]: AthenaWorkgroup } }
  : unknown) &
  (O extends { readonly network: true | LakeNetworkOptions } ? { readonly network: Network } : unknown) &
  (O extends { readonly personas: true } ? { readonly personas: Personas } : unknown);

/**
 * The lake's parts a module under test is built over, in `stack`, with the construct ids and physical names the
 * module tests pin: `context`; `zone-<zone>` buckets named `event-lake-test-<zone>-111111111111`; `catalog` with the
 * `event_lake_test_<zone>` databases and the `orders` pipeline; and what `options` ask for.
 */
export function lakeParts<const O extends LakePartsOptions = LakePartsOptions>(
  stack: TerraformStack,
  options?: O,
): LakeParts<O> {
  const context = new AwsContext(stack, "context");
  const zone = (name: string) =>
    new ZoneBucket(stack, `zone-${name}`, {
      context,
      zone: name,
      bucketName: `${PREFIX}-${name}-111111111111`,
    });
  const zones = {
    drop: zone("drop"),
    raw: zone("raw"),
    curated: zone("curated"),
    ...(options?.quarantine === true ? { quarantine: zone("quarantine") } : {}),
  };
  const results = options?.workgroups === undefined ? undefined : zone("athena-results");
  const catalog = new GlueCatalog(stack, "catalog", {
    context,
    databaseNames: {
      drop: "event_lake_test_drop",
      raw: "event_lake_test_raw",
      curated: "event_lake_test_curated",
    },
    zones,
    securityConfigurationName: `${PREFIX}-glue`,
    tables: [catalogTable(orders)],
  });
  const workgroups: Partial<Record<LakeWorkgroupName, AthenaWorkgroup>> = {};
  if (results !== undefined) {
    for (const name of options?.workgroups ?? []) {
      workgroups[name] = new AthenaWorkgroup(stack, `workgroup-${name}`, {
        context,
        name: `${PREFIX}-${name}`,
        results,
      });
    }
  }
  const network =
    options?.network === undefined || options.network === false
      ? undefined
      : new Network(stack, "network", {
          context,
          name: PREFIX,
          flowLogGroupName: `/${PREFIX}/vpc-flow-logs`,
          flowLogRoleName: `${PREFIX}-vpc-flow-logs`,
          ...(options.network === true ? {} : options.network),
        });
  const personas =
    options?.personas === true ? lakePersonas(stack, context, zones, catalog, workgroups) : undefined;
  return {
    context,
    zones,
    catalog,
    ...(results === undefined ? {} : { results, workgroups }),
    ...(network === undefined ? {} : { network }),
    ...(personas === undefined ? {} : { personas }),
  } as LakeParts<O>;
}

function lakePersonas(
  stack: TerraformStack,
  context: AwsContext,
  zones: CatalogZones & { readonly quarantine?: ZoneBucket },
  catalog: GlueCatalog,
  workgroups: Partial<Record<LakeWorkgroupName, AthenaWorkgroup>>,
): Personas {
  const { quarantine } = zones;
  const { lake, analysts } = workgroups;
  if (quarantine === undefined || lake === undefined || analysts === undefined) {
    throw new Error('lakeParts: personas need quarantine: true and the workgroups "lake" and "analysts"');
  }
  return new Personas(stack, "personas", {
    context,
    roleNames: PERSONA_ROLE_NAMES,
    zones: { ...zones, quarantine },
    catalog,
    workgroups: { lake, analysts },
  });
}
