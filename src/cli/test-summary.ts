import { readFileSync } from "node:fs";

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
}

/**
 * The plain closing line CI reads (`tests: N passed, N failed, N skipped`), from vitest's JSON report. A run that
 * executed no test is a failure of ours, so it returns a non-zero code for it.
 */
export function summarizeTests(reportFile: string): { line: string; code: number } {
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as VitestJson;
  const skipped = report.numPendingTests + report.numTodoTests;
  const line = `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`;
  if (report.numPassedTests + report.numFailedTests === 0)
    return { line: `${line}\nno test ran: that is a failure`, code: 1 };
  return { line, code: report.numFailedTests > 0 ? 1 : 0 };
}
