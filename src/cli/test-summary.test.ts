import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeTests } from "./test-summary.js";

function report(passed: number, failed: number, pending = 0): string {
  const file = join(mkdtempSync(join(tmpdir(), "vitest-")), "report.json");
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: pending,
      numTodoTests: 0,
      numTotalTestSuites: 1,
    }),
  );
  return file;
}

describe("summarizeTests", () => {
  it("prints the plain closing line and passes when every test passed", () => {
    expect(summarizeTests(report(12, 0, 1))).toEqual({
      line: "tests: 12 passed, 0 failed, 1 skipped",
      code: 0,
    });
  });

  it("fails when any test failed", () => {
    expect(summarizeTests(report(12, 2)).code).toBe(1);
  });

  it("fails a run that executed no test", () => {
    expect(summarizeTests(report(0, 0, 3))).toEqual({
      line: "tests: 0 passed, 0 failed, 3 skipped\nno test ran: that is a failure",
      code: 1,
    });
  });
});
