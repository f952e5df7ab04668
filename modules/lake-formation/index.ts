export { LakeFormationZones, PERSONA_GRANTS, type PersonaGrant } from "./lake-formation.js";
export {
  type CatalogWriter,
  LAKE_FORMATION_DEFAULTS,
  LAKE_ZONES,
  type LakeFormationZonesProps,
  type LakeZone,
} from "./lake-formation-props.js";
