// Writes the pull-request comment that replaces an environment's plan comment when the latest plan did not finish, so
// the comment never shows an older commit's plan as if it were current. Same marker as the plan comment
// (src/guard/plan-summary.ts), so upsert-plan-comment.cjs updates the one comment. Called from .github/workflows/pr.yml.
const { existsSync, readFileSync, writeFileSync } = require("node:fs");

/** Lines of the plan's output quoted in the comment: enough for Terraform's error block, never the whole log. */
const TAIL_LINES = 40;

/**
 * @param {{ stack: string, sha: string, runUrl: string, log: string, out: string }} options
 *   `log`: the plan's output (may not exist when an earlier step failed); `out`: the comment file to write.
 * @returns {string} the comment
 */
module.exports = function planFailedComment({ stack, sha, runUrl, log, out }) {
  const lines = existsSync(log)
    ? readFileSync(log, "utf8")
        // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is stripped
        .replace(/\u001b\[[0-9;]*m/g, "")
        .trimEnd()
        .split("\n")
    : [];
  const tail = lines.slice(-TAIL_LINES).join("\n").replaceAll("```", "'''");
  const body = [
    `<!-- event-lake-plan:${stack} -->`,
    `### :x: The plan for \`${stack}\` failed`,
    "",
    `The latest plan (commit ${sha.slice(0, 7)}, [workflow run](${runUrl})) did not finish, so there is no current plan ` +
      "for this environment: the plan this comment showed before was for an older commit (it is in the comment's edit " +
      "history). Push again or re-run the job once the cause below is fixed.",
    "",
    ...(tail === ""
      ? ["The job failed before `terraform plan` ran (credentials or setup): see the workflow run."]
      : [`Last ${Math.min(lines.length, TAIL_LINES)} lines of the plan's output:`, "", "```", tail, "```"]),
    "",
  ].join("\n");
  writeFileSync(out, body);
  return body;
};
