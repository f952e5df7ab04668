/** `node --import tsx src/cli/diagram.ts [--check] [--dot]`: docs/architecture.svg from the synthesized test stack. */
import { diagramCommand } from "../diagram/diagram.js";

diagramCommand(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
