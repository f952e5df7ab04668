/** `node --import tsx src/cli/ci-env.ts ENV plan|apply AWS_CONFIG_FILE >> "$GITHUB_ENV"`: a CI job's AWS profiles. */
import { ciEnvCommand } from "../guard/ci-env.js";

process.exitCode = ciEnvCommand(process.argv.slice(2), (line) => console.log(line));
