/** Small checks the orchestrator validates its configuration and events with, each problem naming its field. */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Collects problems, each naming its field, and throws them all at once. */
export class Problems {
  readonly list: string[] = [];

  add(field: string, message: string): void {
    this.list.push(`${field}: ${message}`);
  }

  /** A non-empty string, or "" with a problem recorded. */
  text(field: string, value: unknown): string {
    if (isText(value)) return value;
    this.add(field, "must be a non-empty string");
    return "";
  }

  /** An optional string: undefined stays undefined. */
  optionalText(field: string, value: unknown): string | undefined {
    if (value === undefined || typeof value === "string") return value;
    this.add(field, "must be a string");
    return undefined;
  }

  oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (allowed.includes(value as T)) return value as T;
    this.add(field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
    return allowed[0] as T;
  }

  throwIfAny(what: string): void {
    if (this.list.length > 0) throw new Error(`${what}: ${this.list.join("; ")}`);
  }
}
