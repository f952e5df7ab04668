/** `node --import tsx src/cli/baseline.ts [--update [--accept-removals]]`: the stateful-address baseline. */
import { baselineCommand } from "../guard/baseline-command.js";

baselineCommand(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
