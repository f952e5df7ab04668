/**
 * The project's command line, driven by the Makefile: `node dist/cli.cjs <command>`. Each command is a thin shell
 * over a tested function elsewhere in src/.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from "../config/index.js";
import { readMoto } from "../config/moto-state.js";
import { runTerraform, TerraformError, terraformEnv, writeCliConfig } from "../terraform/run.js";
import { summarizeTests } from "./test-summary.js";
import { UsageError } from "./usage-error.js";

const OUT = "cdktf.out/stacks";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "tfrc": {
      const { path, content } = writeCliConfig();
      console.log(`${path}: ${content.split("\n")[1]?.replace(/^# /, "")}`);
      return 0;
    }
    case "preflight":
      return preflight(envName(rest[0]));
    case "local":
      // Loaded on demand, as preflight's: `local up` and `local applied check` run on every make local and need
      // neither the AWS SDK nor DuckDB.
      return (await import("./local.js")).local(rest[0], rest.slice(1));
    case "tf":
      return tf(rest);
    case "validate":
      return validate(rest);
    case "test-summary": {
      const { line, code } = summarizeTests(rest[0] ?? ".eventlake/vitest.json");
      console.log(line);
      return code;
    }
    default:
      console.error(
        "usage: cli tfrc | preflight ENV | local up|down|status|applied|run|query|drop-bucket|drop … | tf STACK [--timeout S] [--interactive] -- ARGS | validate [STACK…]",
      );
      return 2;
  }
}

function envName(value: string | undefined): EnvironmentName {
  if (ENVIRONMENT_NAMES.includes(value as EnvironmentName)) return value as EnvironmentName;
  throw new UsageError(`ENV must be one of ${ENVIRONMENT_NAMES.join(", ")}, got "${value ?? ""}"`);
}

async function preflight(name: EnvironmentName): Promise<number> {
  const lake = loadConfig();
  const env = lake.environments[name];
  if (env.endpoint !== undefined) {
    const moto = readMoto(env.stateDir ?? "");
    if (!moto) {
      console.error(`ENV=local needs moto running: run \`make local/up\` first.`);
      return 2;
    }
    return 0;
  }
  const { checkCredentials } = await import("./preflight.js");
  const { backendProfile, stateRoleArns } = await import("../stacks/aws-provider.js");
  const problem = await checkCredentials(env, process.env, {
    bucket: lake.state.bucket,
    accountId: lake.state.accountId,
    profile: backendProfile(lake, env),
    ...(lake.state.roleName !== undefined ? { roleArn: stateRoleArns(lake, name).state } : {}),
  });
  if (problem) {
    console.error(problem);
    return 2;
  }
  return 0;
}

/** `tf STACK [--timeout S] [--interactive] -- ARGS…`: terraform in the stack's synthesized folder, with our CLI config and a bound. */
async function tf(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const own = split < 0 ? args : args.slice(0, split);
  const tfArgs = split < 0 ? [] : args.slice(split + 1);
  const stack = own[0];
  if (!stack || tfArgs.length === 0)
    throw new UsageError("usage: cli tf STACK [--timeout SECONDS] [--interactive] -- ARGS…");
  const timeoutIndex = own.indexOf("--timeout");
  const seconds = timeoutIndex < 0 ? 3600 : Number(own[timeoutIndex + 1]);
  if (!(seconds > 0)) throw new UsageError(`--timeout takes seconds, got "${own[timeoutIndex + 1] ?? ""}"`);
  const interactive = own.includes("--interactive");
  const cwd = resolve(OUT, stack);
  if (!existsSync(join(cwd, "cdk.tf.json")))
    throw new UsageError(`${cwd} has no cdk.tf.json: run \`make synth\` first`);
  const { path } = writeCliConfig();
  await runTerraform(tfArgs, {
    cwd,
    env: terraformEnv(path),
    timeoutMs: seconds * 1000,
    stream: true,
    interactive,
  });
  return 0;
}

/** `terraform init -backend=false` and `validate` on every synthesized stack, providers from the mirror. */
async function validate(stacks: string[]): Promise<number> {
  const names = stacks.length > 0 ? stacks : readdirSync(OUT).sort();
  const { path } = writeCliConfig();
  const env = terraformEnv(path);
  for (const stack of names) {
    const cwd = resolve(OUT, stack);
    const started = Date.now();
    await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], {
      cwd,
      env,
      timeoutMs: 300_000,
    });
    const { stdout } = await runTerraform(["validate", "-no-color"], { cwd, env, timeoutMs: 300_000 });
    console.log(`${stack}: ${stdout.trim()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof TerraformError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
