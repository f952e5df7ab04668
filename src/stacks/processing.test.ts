import { beforeAll, describe, expect, it } from "vitest";
import { PolicyEvaluator } from "../../modules/personas/policy-evaluator.js";
import { synthApp } from "../testing/synth.js";

/** The converter's reach: what drop-to-raw may do to each zone (an IAM evaluator over the synthesized test stack). */
const bucket = (zone: string) => `\${aws_s3_bucket.zone-${zone}_bucket.arn}`;
const object = (zone: string, key: string) => `${bucket(zone)}/${key}`;
let allows: (action: string, resource: string) => boolean;

beforeAll(async () => {
  const { stacks } = await synthApp({ environments: ["test"] });
  const evaluator = new PolicyEvaluator(stacks["test"], {
    partition: "aws",
    region: "eu-west-1",
    account: "111111111111",
  });
  allows = (action, resource) => evaluator.allows("drop-to-raw_role", { action, resource });
}, 60_000);

describe("the drop-to-raw role", () => {
  it.each([
    ["s3:GetObjectVersion", object("drop", "orders/x.csv"), true],
    // a key's newest version wins: it lists the key's versions, and deletes the older versions' outputs
    ["s3:ListBucketVersions", bucket("drop"), true],
    ["s3:DeleteObject", object("raw", "orders/ingest_date=2026-12-01/country=DE/x_0.parquet"), true],
    ["s3:DeleteObject", object("quarantine", "orders/ingest_date=2026-12-01/x.ndjson"), true],
    ["s3:ListBucket", bucket("raw"), true],
    ["s3:PutObject", object("raw", "orders/x.parquet"), true],
    // never the source, the curated zone, or anyone's versions
    ["s3:DeleteObject", object("drop", "orders/x.csv"), false],
    ["s3:DeleteObjectVersion", object("raw", "orders/x.parquet"), false],
    ["s3:DeleteObject", object("curated", "orders/x.parquet"), false],
    ["s3:PutObject", object("drop", "orders/x.csv"), false],
    ["s3:ListBucketVersions", bucket("raw"), false],
  ])("%s on %s -> allowed: %s", (action, resource, allowed) => {
    expect(allows(action, resource)).toBe(allowed);
  });
});
