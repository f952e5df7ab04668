import { beforeAll, describe, expect, it } from "vitest";
import { PolicyEvaluator } from "../testing/policy-evaluator.js";
import { synthApp } from "../testing/synth.js";

/** The converter's reach: what drop-to-raw may do to each zone (an IAM evaluator over the synthesized test stack). */
const bucket = (zone: string) => `\${aws_s3_bucket.zone-${zone}_bucket.arn}`;
const object = (zone: string, key: string) => `${bucket(zone)}/${key}`;
const runsTable = "${aws_dynamodb_table.analytics-runs_table.arn}";
let allows: (action: string, resource: string, context?: Record<string, string>) => boolean;
let orchestratorAllows: (action: string, resource: string, context?: Record<string, string>) => boolean;

beforeAll(async () => {
  const { stacks } = await synthApp({ environments: ["test"] });
  const evaluator = new PolicyEvaluator(stacks["test"], {
    partition: "aws",
    region: "eu-west-1",
    account: "111111111111",
  });
  allows = (action, resource, context) =>
    evaluator.allows("drop-to-raw_role", { action, resource, ...(context ? { context } : {}) });
  orchestratorAllows = (action, resource, context) =>
    evaluator.allows("crawler-chain_orchestrator_role", {
      action,
      resource,
      ...(context ? { context } : {}),
    });
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

describe("the drop-to-raw role on the analytics run ledger", () => {
  const key = (k: string) => ({ "dynamodb:LeadingKeys": k });
  it.each([
    // a raw change reopens a curated date: an update of that date's item
    ["dynamodb:UpdateItem", key("transform#orders#2026-12-01"), true],
    // nothing else of the ledger: not the runs' or the crawler events' items, no reads, puts or deletes
    ["dynamodb:UpdateItem", key("run#orders-0123456789abcdef"), false],
    ["dynamodb:UpdateItem", key("event#42"), false],
    ["dynamodb:PutItem", key("transform#orders#2026-12-01"), false],
    ["dynamodb:DeleteItem", key("transform#orders#2026-12-01"), false],
    ["dynamodb:GetItem", key("transform#orders#2026-12-01"), false],
  ])("%s of %o -> allowed: %s", (action, context, allowed) => {
    expect(allows(action, runsTable, context)).toBe(allowed);
  });
});

describe("the orchestrator role in the curated zone", () => {
  it.each([
    // before a transform, the claimed dates' curated files are deleted: the pipeline's ingest-date partitions only
    ["s3:DeleteObject", object("curated", "orders/ingest_date=2026-12-01/country=DE/q_0.parquet"), true],
    ["s3:DeleteObject", object("curated", "orders/_glue/scripts/x.py"), false],
    ["s3:DeleteObject", object("curated", "orders/x.parquet"), false],
    ["s3:DeleteObject", object("raw", "orders/ingest_date=2026-12-01/country=DE/x_0.parquet"), false],
    [
      "s3:DeleteObjectVersion",
      object("curated", "orders/ingest_date=2026-12-01/country=DE/q_0.parquet"),
      false,
    ],
    ["s3:PutObject", object("curated", "orders/ingest_date=2026-12-01/country=DE/q_0.parquet"), false],
  ])("%s on %s -> allowed: %s", (action, resource, allowed) => {
    expect(orchestratorAllows(action, resource)).toBe(allowed);
  });

  it.each([
    ["orders/ingest_date=2026-12-01/", true],
    ["orders/", false],
    ["clickstream/ingest_date=2026-12-01/", true],
    ["", false],
  ])("s3:ListBucket of the curated zone under %j -> allowed: %s", (prefix, allowed) => {
    expect(orchestratorAllows("s3:ListBucket", bucket("curated"), { "s3:prefix": prefix })).toBe(allowed);
  });
});
