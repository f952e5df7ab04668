import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "./cli.js";
import { compliantJson, type FixtureJson, mutated } from "./fixtures/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function outdir(stacks: Record<string, FixtureJson>): string {
  const dir = mkdtempSync(join(tmpdir(), "event-lake-policy-"));
  dirs.push(dir);
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
  }
  return dir;
}

function run(argv: string[], options?: Parameters<typeof main>[2]): { code: number; output: string } {
  const lines: string[] = [];
  const code = main(argv, (line) => lines.push(line), options);
  return { code, output: lines.join("\n") };
}

const unlogged = () =>
  mutated((json) => {
    delete json.resource["aws_s3_bucket_logging"];
  });

describe("policy CLI", () => {
  it("exits 0 and prints the summary when every stack is clean", () => {
    const dir = outdir({ a: compliantJson(), b: compliantJson() });

    const { code, output } = run([dir]);

    expect(code).toBe(0);
    expect(output).toContain("== a: ");
    expect(output).toContain("== b: ");
    expect(output).toMatch(/\n46 rules, \d+ checks, 0 findings, 0 suppressed \(0 errors, 0 warnings\)$/);
  });

  it("exits 1 and prints rule, level, resource and message for an unsuppressed error", () => {
    const dir = outdir({ a: unlogged() });

    const { code, output } = run([dir], { suppressions: [] });

    expect(code).toBe(1);
    expect(output).toMatch(/S3\.AccessLogs\s+error\s+aws_s3_bucket\.zone\s+has no server access logging/);
    expect(output).toContain("1 findings, 0 suppressed (1 errors, 0 warnings)");
  });

  it("exits 0 when the error is suppressed, and prints the reason", () => {
    const dir = outdir({ a: unlogged() });
    const suppressions = [{ ruleId: "S3.AccessLogs", address: "aws_s3_bucket.*", reason: "central logging" }];

    const { code, output } = run([dir], { suppressions });

    expect(code).toBe(0);
    expect(output).toMatch(/suppressed:[\s\S]*S3\.AccessLogs\s+aws_s3_bucket\.zone\s+central logging/);
    expect(output).toContain("0 findings, 1 suppressed");
  });

  it("exits 0 on warnings only", () => {
    const dir = outdir({
      a: mutated((_, at) => {
        at("aws_lambda_function.ingest")["logging_config"] = { log_format: "Text" };
      }),
    });

    const { code, output } = run([dir]);

    expect(code).toBe(0);
    expect(output).toContain("(0 errors, 1 warnings)");
  });

  it("exits 2 for a suppression without a reason, a missing outdir, or an unknown flag", () => {
    const dir = outdir({ a: compliantJson() });

    expect(
      run([dir], { suppressions: [{ ruleId: "S3.AccessLogs", address: "*", reason: "" }] }),
    ).toMatchObject({
      code: 2,
      output: expect.stringContaining("has no reason"),
    });
    expect(run([join(dir, "nowhere")])).toMatchObject({
      code: 2,
      output: expect.stringContaining("make synth"),
    });
    expect(run(["--nope"]).code).toBe(2);
  });
});
