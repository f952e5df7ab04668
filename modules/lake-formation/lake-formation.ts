import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LakeformationDataLakeSettings } from "@cdktf/provider-aws/lib/lakeformation-data-lake-settings";
import { LakeformationLfTag } from "@cdktf/provider-aws/lib/lakeformation-lf-tag";
import { LakeformationPermissions } from "@cdktf/provider-aws/lib/lakeformation-permissions";
import { LakeformationResource } from "@cdktf/provider-aws/lib/lakeformation-resource";
import { LakeformationResourceLfTags } from "@cdktf/provider-aws/lib/lakeformation-resource-lf-tags";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { serviceTrustStatement } from "../aws-context/index.js";
import { inlinePolicy } from "../crawler-chain/index.js";
import { CATALOG_ZONES, type CatalogZone } from "../glue-catalog/index.js";
import type { Persona } from "../personas/index.js";
import { RolePolicy } from "../role-policy/index.js";
import {
  LAKE_FORMATION_DEFAULTS as DEFAULTS,
  LAKE_ZONES,
  type LakeFormationZonesProps,
  type LakeZone,
} from "./lake-formation-props.js";

/** One LF-tag-based grant: `permissions` on the `resourceType` resources whose zone tag is one of `zones`. */
export interface PersonaGrant {
  readonly persona: Exclude<Persona, "steward">;
  readonly resourceType: "DATABASE" | "TABLE";
  readonly zones: readonly LakeZone[];
  readonly permissions: readonly string[];
}

/**
 * What each persona may do through Lake Formation, mirroring its IAM policy (modules/personas): the engineer
 * describes every database, creates tables in it, reads, writes and alters every table, but deletes no data and
 * drops nothing; the scientist and the analyst describe the curated database and read its tables. The steward is a
 * data lake administrator, which grants it everything implicitly (explicit grants to an admin cannot be revoked
 * cleanly).
 */
export const PERSONA_GRANTS: readonly PersonaGrant[] = [
  {
    persona: "engineer",
    resourceType: "DATABASE",
    zones: LAKE_ZONES,
    permissions: ["CREATE_TABLE", "DESCRIBE"],
  },
  {
    persona: "engineer",
    resourceType: "TABLE",
    zones: LAKE_ZONES,
    permissions: ["ALTER", "DESCRIBE", "INSERT", "SELECT"],
  },
  { persona: "scientist", resourceType: "DATABASE", zones: ["curated"], permissions: ["DESCRIBE"] },
  { persona: "scientist", resourceType: "TABLE", zones: ["curated"], permissions: ["DESCRIBE", "SELECT"] },
  { persona: "analyst", resourceType: "DATABASE", zones: ["curated"], permissions: ["DESCRIBE"] },
  { persona: "analyst", resourceType: "TABLE", zones: ["curated"], permissions: ["DESCRIBE", "SELECT"] },
];

const NAME = /^[a-z0-9-]{1,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// Lake Formation's LF-tag key pattern (letters, spaces, digits and _.:/=+-@%), 1 to 128 characters.
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]{1,128}$/u;
const PRINCIPAL_ARN = /^arn:[a-z-]+:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/**
 * Lake Formation over the lake's zones, in hybrid access mode, so that it adds to IAM and takes nothing away:
 * - a registration role, trusted by Lake Formation of this account only, that reads and writes the zone buckets
 *   and uses their keys (scoped to each bucket and key), and every zone bucket registered with it;
 * - the data lake settings: the steward, the principal running Terraform and `additionalAdminArns` as
 *   administrators, and IAM_ALLOWED_PRINCIPALS kept as the default permission of new databases and tables;
 * - an LF-tag (`zone` = drop | raw | curated | quarantine) on each zone's Glue database (its tables inherit it),
 *   and LF-tag grants for the engineer, scientist and analyst (PERSONA_GRANTS);
 * - DATA_LOCATION_ACCESS on the registered buckets for the roles that register tables and partitions there.
 * Every Lake Formation resource depends on the settings, so Terraform's own principal is an administrator first.
 */
export class LakeFormationZones extends Construct {
  readonly registrationRole: IamRole;
  readonly registrationPolicy: RolePolicy;
  readonly settings: LakeformationDataLakeSettings;
  readonly locations: Readonly<Record<LakeZone, LakeformationResource>>;
  readonly tag: LakeformationLfTag;
  readonly databaseTags: Readonly<Record<CatalogZone, LakeformationResourceLfTags>>;
  /** Every grant, by construct id (`engineer-table`, `location-engineer-raw`, `location-crawlers-drop`, …). */
  readonly grants: Readonly<Record<string, LakeformationPermissions>>;
  /** The IAM role or user running Terraform (the issuer of the caller's session), made an administrator. */
  readonly terraformPrincipalArn: string;

  constructor(scope: Construct, id: string, props: LakeFormationZonesProps) {
    super(scope, id);
    // Validate.
    validate(props);
    const aws = props.context;
    const tagKey = props.tagKey ?? DEFAULTS.tagKey;
    const writers = props.catalogWriters ?? DEFAULTS.catalogWriters;

    // Build: the registration role, reading and writing the registered buckets and using their keys.
    const trust = new DataAwsIamPolicyDocument(this, "registration-trust", {
      statement: [serviceTrustStatement(aws, ["lakeformation"])],
    });
    this.registrationRole = new IamRole(this, "registration-role", {
      name: props.registrationRoleName,
      description: "event-lake Lake Formation: reaches the registered zone buckets and their keys",
      assumeRolePolicy: trust.json,
    });
    this.registrationPolicy = new RolePolicy(this, "registration-policy", {
      role: this.registrationRole,
      policyName: props.registrationRoleName,
    });
    for (const zone of LAKE_ZONES) {
      props.zones[zone].grantRead(this.registrationPolicy);
      props.zones[zone].grantWrite(this.registrationPolicy);
    }

    // Build: the settings. They replace the account's whole admin list and default permissions (see README).
    const caller = new DataAwsCallerIdentity(this, "caller");
    const session = new DataAwsIamSessionContext(this, "caller-session", { arn: caller.arn });
    this.terraformPrincipalArn = session.issuerArn;
    const defaults = DEFAULTS.defaultPermissions.map((p) => ({
      principal: p.principal,
      permissions: [...p.permissions],
    }));
    this.settings = new LakeformationDataLakeSettings(this, "settings", {
      admins: [
        props.personas.steward.arn,
        this.terraformPrincipalArn,
        ...(props.additionalAdminArns ?? DEFAULTS.additionalAdminArns),
      ],
      createDatabaseDefaultPermissions: defaults,
      createTableDefaultPermissions: defaults,
    });
    const afterSettings = [this.settings];

    // Build: every zone registered with the role, in hybrid access mode.
    this.locations = Object.fromEntries(
      LAKE_ZONES.map((zone) => [
        zone,
        new LakeformationResource(this, `location-${zone}`, {
          arn: props.zones[zone].bucket.arn,
          roleArn: this.registrationRole.arn,
          hybridAccessEnabled: DEFAULTS.hybridAccessEnabled,
          // The role holds its permissions before Lake Formation can first use it.
          dependsOn: [...afterSettings, inlinePolicy(this.registrationPolicy)],
        }),
      ]),
    ) as Record<LakeZone, LakeformationResource>;

    // Build: the zone LF-tag on each zone's database.
    this.tag = new LakeformationLfTag(this, "tag", {
      key: tagKey,
      values: [...LAKE_ZONES],
      dependsOn: afterSettings,
    });
    this.databaseTags = Object.fromEntries(
      CATALOG_ZONES.map((zone) => [
        zone,
        new LakeformationResourceLfTags(this, `tag-database-${zone}`, {
          database: { name: props.catalog.databases[zone].name },
          lfTag: [{ key: this.tag.key, value: zone }],
          dependsOn: afterSettings,
        }),
      ]),
    ) as Record<CatalogZone, LakeformationResourceLfTags>;

    // Wire: LF-tag grants to the personas, data location access to the catalog writers.
    const grants: Record<string, LakeformationPermissions> = {};
    const personaGrants = (props.createPersonaGrants ?? DEFAULTS.createPersonaGrants) ? PERSONA_GRANTS : [];
    for (const grant of personaGrants) {
      const grantId = `${grant.persona}-${grant.resourceType.toLowerCase()}`;
      grants[grantId] = new LakeformationPermissions(this, grantId, {
        principal: props.personas[grant.persona].arn,
        permissions: [...grant.permissions],
        lfTagPolicy: {
          resourceType: grant.resourceType,
          expression: [{ key: this.tag.key, values: [...grant.zones] }],
        },
        dependsOn: afterSettings,
      });
    }
    const locationGrants: Record<string, { role: IamRole; zones: readonly CatalogZone[] }> = {
      engineer: { role: props.personas.engineer, zones: CATALOG_ZONES },
      ...writers,
    };
    for (const [name, writer] of Object.entries(locationGrants))
      for (const zone of writer.zones) {
        const grantId = `location-${name}-${zone}`;
        grants[grantId] = new LakeformationPermissions(this, grantId, {
          principal: writer.role.arn,
          permissions: ["DATA_LOCATION_ACCESS"],
          dataLocation: { arn: this.locations[zone].arn },
          dependsOn: [...afterSettings, this.locations[zone]],
        });
      }

    // Expose.
    this.grants = grants;
  }
}

function validate(props: LakeFormationZonesProps): void {
  const problems: string[] = [];
  if (!ROLE_NAME.test(props.registrationRoleName))
    problems.push(
      `registrationRoleName "${props.registrationRoleName}" must be 1-64 letters, digits or "+=,.@_-"`,
    );
  const tagKey = props.tagKey;
  if (tagKey !== undefined && !TAG_KEY.test(tagKey))
    problems.push(`tagKey "${tagKey}" must be 1-128 letters, digits, spaces or "_.:/=+-@%"`);
  for (const arn of props.additionalAdminArns ?? [])
    if (!Token.isUnresolved(arn) && !PRINCIPAL_ARN.test(arn))
      problems.push(`additionalAdminArns: "${arn}" is not the ARN of an IAM role or user`);
  for (const [name, writer] of Object.entries(props.catalogWriters ?? {})) {
    if (!NAME.test(name))
      problems.push(`catalogWriters: name "${name}" must be 1-32 lower-case letters, digits or "-"`);
    if (name === "engineer")
      problems.push('catalogWriters: "engineer" is taken (the engineer persona gets data location access)');
    if (writer.zones.length === 0) problems.push(`catalogWriters.${name}.zones must not be empty`);
    if (new Set(writer.zones).size !== writer.zones.length)
      problems.push(`catalogWriters.${name}.zones lists a zone twice`);
  }
  if (problems.length > 0) throw new Error(`LakeFormationZones: ${problems.join("; ")}`);
}
