import { type LocalWiring, wiringFromState } from "../local/wiring.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { lake } from "./lake.js";

/** The applied lake's wiring, read from its Terraform state exactly as the local runner reads it. */
export async function lakeWiring(): Promise<LocalWiring> {
  const { stackDir, cliConfig } = lake();
  const { stdout } = await runTerraform(["show", "-json", "-no-color"], {
    cwd: stackDir,
    env: terraformEnv(cliConfig),
    timeoutMs: 120_000,
  });
  return wiringFromState(JSON.parse(stdout), stackDir);
}
