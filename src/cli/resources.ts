/** `node --import tsx src/cli/resources.ts [--check]`: docs/resources.md, who creates each Terraform resource type. */
import { resourcesCommand } from "../diagram/resources.js";

resourcesCommand(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
