import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Adding a dataset is adding one file: copy the project, drop one declaration into definitions/, run the real app
// (tsx main.ts) and find everything that pipeline needs in the synthesized stacks.
const SHIPMENTS = `import { definePipeline } from "../../core/pipeline.js";

export default definePipeline({
  name: "shipments",
  description: "Carrier shipment events, pushed as gzipped CSV",
  source: { kind: "push" },
  format: { type: "csv", compression: "gzip" },
  schema: [
    { name: "shipment_id", type: "string", nullable: false },
    { name: "carrier", type: "string" },
    { name: "shipped_at", type: "timestamp" },
  ],
  partitionKeys: ["carrier"],
  transform: { sql: "SELECT carrier, COUNT(*) AS shipments FROM {{raw}} GROUP BY carrier" },
  dropRetentionDays: 7,
});
`;

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "event-lake-copy-"));
  for (const entry of ["main.ts", "src", "modules", "handlers", "package.json", "tsconfig.json"])
    cpSync(entry, join(dir, entry), { recursive: true, filter: (p) => !p.includes("node_modules") });
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
  // The handler zips (make handlers): the stack takes each function's code from there.
  symlinkSync(resolve("dist"), join(dir, "dist"));
  return dir;
}

function synth(dir: string): Record<string, unknown> {
  const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: join(dir, "out"), EVENT_LAKE_LOCAL_STATE_DIR: join(dir, "local") },
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(readFileSync(join(dir, "out", "stacks", "test", "cdk.tf.json"), "utf8"));
}

describe("adding a pipeline", () => {
  it("takes one file, and the stack builds what the pipeline needs", () => {
    const dir = copyProject();
    writeFileSync(join(dir, "src", "pipelines", "definitions", "shipments.ts"), SHIPMENTS);

    const stack = JSON.stringify(synth(dir));

    // The drop crawler covers its prefix, and its drop files expire on its own schedule.
    expect(stack).toMatch(
      /"path":"s3:\/\/\$\{aws_s3_bucket\.zone-drop_bucket_[0-9A-F]{8}\.bucket\}\/shipments\/"/,
    );
    expect(stack).toContain(
      '{"expiration":[{"days":7}],"filter":[{"prefix":"shipments/"}],"id":"expire-shipments","status":"Enabled"}',
    );
  }, 120_000);

  it("fails the synth with a message naming the pipeline and the field when the declaration is wrong", () => {
    const dir = copyProject();
    writeFileSync(
      join(dir, "src", "pipelines", "definitions", "shipments.ts"),
      SHIPMENTS.replace('partitionKeys: ["carrier"]', 'partitionKeys: ["depot"]'),
    );

    expect(() => synth(dir)).toThrow(/pipeline "shipments": partitionKeys: "depot" is not a declared column/);
  }, 120_000);
});
