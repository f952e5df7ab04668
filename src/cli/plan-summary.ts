/** `node --import tsx src/cli/plan-summary.ts PLAN.json --stack NAME …`: the PR comment for one plan. */
import { planSummaryCommand } from "../guard/commands.js";

process.exitCode = planSummaryCommand(process.argv.slice(2), (line) => console.log(line));
