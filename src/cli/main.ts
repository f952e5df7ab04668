/**
 * The project's command line, driven by the Makefile: `node dist/cli.cjs <command>`. Each command is a thin shell
 * over a tested function elsewhere in src/.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { ConfigError, ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from "../config/index.js";
import { queryCurated } from "../local/athena-standin.js";
import { readMoto, startMoto, stopMoto } from "../local/moto.js";
import { formatSummary, runLocal } from "../local/run.js";
import { wiringFromState } from "../local/wiring.js";
import { loadPipelines } from "../pipelines/index.js";
import { runTerraform, TerraformError, terraformEnv, writeCliConfig } from "../terraform/run.js";
import { checkCredentials } from "./preflight.js";
import { summarizeTests } from "./test-summary.js";

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
      return local(rest[0], rest.slice(1));
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
        "usage: cli tfrc | preflight ENV | local up|down|status | tf STACK [--timeout S] [--interactive] -- ARGS | validate [STACK…]",
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
  const problem = await checkCredentials(env, process.env, lake.state);
  if (problem) {
    console.error(problem);
    return 2;
  }
  return 0;
}

async function local(action: string | undefined, args: string[]): Promise<number> {
  const env = loadConfig().environments.local;
  const dir = args[0] ?? env.stateDir ?? ".eventlake/local";
  if (action === "up") {
    const server = await startMoto({ dir });
    console.log(`moto is up at ${server.endpoint} (pid ${server.pid}); state in ${resolve(dir)}`);
    return 0;
  }
  if (action === "down") {
    const { stopped } = await stopMoto(dir);
    console.log(
      stopped ? `moto stopped; ${resolve(dir)} deleted` : `no moto was running; ${resolve(dir)} deleted`,
    );
    return 0;
  }
  if (action === "run") return localRun(env.stateDir ?? dir);
  if (action === "query") return localQuery(args.join(" "));
  if (action === "status") {
    const server = readMoto(dir);
    console.log(
      server
        ? `moto at ${server.endpoint} (pid ${server.pid}) since ${server.startedAt}`
        : "moto is not running",
    );
    return server ? 0 : 1;
  }
  throw new UsageError("usage: cli local up|down|status [DIR] | run | query SQL");
}

/** After `make local` applied the stack: every example pipeline end to end, then the summary. */
async function localRun(stateDir: string): Promise<number> {
  const moto = readMoto(stateDir);
  if (!moto) throw new UsageError("moto is not running: run `make local` (or `make local/up`) first");
  const { stdout } = await runTerraform(["show", "-json", "-no-color"], {
    cwd: resolve(OUT, "local"),
    env: terraformEnv(writeCliConfig().path),
    timeoutMs: 120_000,
  });
  const started = Date.now();
  const summary = await runLocal({
    wiring: wiringFromState(JSON.parse(stdout), resolve(OUT, "local")),
    pipelines: await loadPipelines(),
    endpoint: moto.endpoint,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(formatSummary(summary));
  console.log(
    `pipelines ran in ${((Date.now() - started) / 1000).toFixed(1)} s; query the curated zone with make local/query SQL='SELECT ...'`,
  );
  return 0;
}

async function localQuery(sql: string): Promise<number> {
  if (sql.trim() === "") throw new UsageError("usage: make local/query SQL='SELECT * FROM orders LIMIT 10'");
  const env = loadConfig().environments.local;
  const moto = readMoto(env.stateDir ?? "");
  if (!moto) throw new UsageError("moto is not running: run `make local` first");
  const { stdout } = await runTerraform(["output", "-json"], {
    cwd: resolve(OUT, "local"),
    env: terraformEnv(writeCliConfig().path),
    timeoutMs: 60_000,
  });
  const curated =
    (JSON.parse(stdout) as Record<string, { value: string }>)["curated_bucket_name"]?.value ?? "";
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const rows = await queryCurated(s3, await loadPipelines(), curated, sql);
  console.table(rows);
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

class UsageError extends Error {}

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
