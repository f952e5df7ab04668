// Creates or updates, in place, the one pull-request comment of an environment's plan. The comment is found by the
// hidden marker it starts with (src/guard/plan-summary.ts), and only among this workflow's own (bot) comments, so a
// person quoting the marker is never overwritten. Called from actions/github-script in .github/workflows/pr.yml.
const { readFileSync } = require("node:fs");

/**
 * @param {{ github: any, context: any, stack: string, file: string, author?: string }} options
 * @returns {Promise<"created" | "updated">}
 */
module.exports = async function upsertPlanComment({ github, context, stack, file, author }) {
  const body = readFileSync(file, "utf8");
  const marker = `<!-- event-lake-plan:${stack} -->`;
  if (!body.startsWith(marker)) throw new Error(`${file} does not start with ${marker}`);
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  const bot = author ?? "github-actions[bot]";
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const mine = comments.find((c) => c.user?.login === bot && (c.body ?? "").startsWith(marker));
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return "updated";
  }
  await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return "created";
};
