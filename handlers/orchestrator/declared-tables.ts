/**
 * The raw and curated tables of every declared pipeline (`DeclaredTables`, src/core/layout.ts), as data.
 * handlers/build.ts replaces this module in the bundle with the tables it computes from src/pipelines/definitions/:
 * a curated table's columns are inferred from its transform by the SQL parser, which ships in no Lambda. Unbundled
 * (tsx, vitest) it stays undefined, and the handler's init says so; tests give the core its tables directly.
 */
export const BAKED_DECLARED_TABLES: unknown = undefined;
