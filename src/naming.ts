import { createHash } from "node:crypto";

/** Limits of the physical names we generate. */
export const NAME_LIMITS = {
  s3Bucket: 63,
  iamRole: 64,
  lambda: 64,
  sqsQueue: 80,
  snsTopic: 256,
  glueDatabase: 255,
  default: 64,
} as const;

/**
 * `{prefix}-{part}-{part}…`, lower-case, hyphenated and capped at `maxLength`. A name that would be longer is cut
 * and given a 6-character hash of the whole name, so two long names never collide.
 */
export function physicalName(
  prefix: string,
  parts: readonly string[],
  maxLength: number = NAME_LIMITS.default,
): string {
  const full = [prefix, ...parts]
    .map((p) =>
      p
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .filter((p) => p.length > 0)
    .join("-");
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** Bucket names are global: they carry the account id as well. */
export function bucketName(prefix: string, name: string, accountId: string): string {
  return physicalName(prefix, [name, accountId], NAME_LIMITS.s3Bucket);
}
