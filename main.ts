import { buildApp } from "./src/app.js";
import { ConfigError, loadConfig } from "./src/config/index.js";

try {
  buildApp({ config: loadConfig() }).synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
