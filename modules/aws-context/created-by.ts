import type { IConstruct } from "constructs";

/** The node metadata type of a createdBy record. */
export const CREATED_BY = "event-lake:created-by";

/** A module's class, or a helper function a module's index exports. */
export type ModuleCode = (abstract new (...args: never[]) => unknown) | ((...args: never[]) => unknown);

/**
 * Records that `creator` (a module's class or exported helper) created `constructs` directly in a scope it was
 * given, for a module that adds no level to the construct tree. Tools that list who creates which resource
 * (docs/resources.md) name the module from it; a construct the module encloses needs no record. Node metadata,
 * which is not synthesized: no Terraform address, logical id or attribute changes. A later record wins, so a
 * module claims what a helper it called created for it (IngestSchedules its queueNotEmptyAlarm).
 */
export function createdBy(creator: ModuleCode, ...constructs: readonly IConstruct[]): void {
  for (const construct of constructs) construct.node.addMetadata(CREATED_BY, creator);
}

/** The last createdBy record of `construct` itself (not its scopes), if any. */
export function creatorOf(construct: IConstruct): ModuleCode | undefined {
  return construct.node.metadata.findLast((m) => m.type === CREATED_BY)?.data as ModuleCode | undefined;
}
