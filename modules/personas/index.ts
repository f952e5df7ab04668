export { Personas } from "./personas.js";
export {
  PERSONAS,
  PERSONAS_DEFAULTS,
  type Persona,
  type PersonasProps,
  type PersonaZones,
} from "./personas-props.js";
