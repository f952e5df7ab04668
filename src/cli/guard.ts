/** `node --import tsx src/cli/guard.ts PLAN.json [--stack NAME]`: the plan guard (src/guard/guard.ts). */
import { guardCommand } from "../guard/commands.js";

process.exitCode = guardCommand(process.argv.slice(2), (line) => console.log(line));
