/**
 * `cli local …`: moto up/down/status, the fast-path record, the runner pass and queries over local curated. The AWS
 * SDK and DuckDB are imported only by the commands that use them (`local up` and `applied check` start faster).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadConfig } from "../config/index.js";
import { readMoto } from "../config/moto-state.js";
import { decide, forget, record, recordedShow } from "../local/fast-path.js";
import { startMoto, stopMoto } from "../local/moto.js";
import { wiringFromState } from "../local/wiring.js";
import { loadPipelines } from "../pipelines/index.js";
import { runTerraform, terraformEnv, writeCliConfig } from "../terraform/run.js";
import { UsageError } from "./usage-error.js";

const STACK_DIR = resolve("cdktf.out/stacks/local");
/** `terraform show` talks to no moto, so it cannot hang on a gap; on a loaded machine it can take minutes. */
const SHOW_TIMEOUT_MS = 600_000;

/** What the summary says about terraform, by `--terraform`. */
export const TERRAFORM_NOTES: Readonly<Record<string, (why: string) => string>> = {
  skipped: () => "no change since the last apply to this moto: plan and apply skipped",
  applied: (why) => `planned and applied (${why === "" ? "a change" : why})`,
  none: () => "not run: make local/run processes pending events only (make local plans and applies a change)",
};

export async function local(action: string | undefined, args: string[]): Promise<number> {
  const env = loadConfig().environments.local;
  const stateDir = env.stateDir ?? ".eventlake/local";
  switch (action) {
    case "up": {
      const server = await startMoto({ dir: args[0] ?? stateDir });
      console.log(
        `moto is up at ${server.endpoint} (pid ${server.pid}); state in ${resolve(args[0] ?? stateDir)}`,
      );
      return 0;
    }
    case "down": {
      const dir = args[0] ?? stateDir;
      const { stopped } = await stopMoto(dir);
      console.log(
        stopped ? `moto stopped; ${resolve(dir)} deleted` : `no moto was running; ${resolve(dir)} deleted`,
      );
      return 0;
    }
    case "status": {
      const server = readMoto(args[0] ?? stateDir);
      console.log(
        server
          ? `moto at ${server.endpoint} (pid ${server.pid}) since ${server.startedAt}`
          : "moto is not running",
      );
      return server ? 0 : 1;
    }
    case "applied":
      return applied(args[0], stateDir);
    case "run":
      return localRun(stateDir, args);
    case "query":
      return localQuery(stateDir, args.join(" "));
    case "drop-bucket":
      return dropBucket(stateDir);
    case "drop":
      return drop(stateDir, args);
    case "env":
      return shellEnv(stateDir);
    default:
      throw new UsageError(
        "usage: cli local up|down|status [DIR] | applied check|forget|record | run [--terraform skipped|applied|none] [--why TEXT] [--curate-today] | query SQL | drop-bucket | env | drop FILE PIPELINE [DATE]",
      );
  }
}

/**
 * The fast path's record: `check` exits 0 when plan and apply can be skipped, else 1 and prints why; `forget`
 * deletes the record (before any plan); `record` writes it after a successful apply.
 */
async function applied(step: string | undefined, stateDir: string): Promise<number> {
  if (step === "check") {
    const decision = decide(STACK_DIR, stateDir);
    if (decision.skip) return 0;
    console.log(decision.reason);
    return 1;
  }
  if (step === "forget") {
    forget(stateDir);
    return 0;
  }
  if (step === "record") {
    const { stdout } = await runTerraform(["show", "-json", "-no-color"], {
      cwd: STACK_DIR,
      env: terraformEnv(writeCliConfig().path),
      timeoutMs: SHOW_TIMEOUT_MS,
    });
    const applied = record(STACK_DIR, stateDir, stdout);
    console.log(`recorded: stack ${applied.stack.slice(0, 12)} applied to moto pid ${applied.moto.pid}`);
    return 0;
  }
  throw new UsageError("usage: cli local applied check|forget|record");
}

/** The applied state as `terraform show -json`: the copy recorded with the last apply, else terraform. */
async function appliedShow(stateDir: string): Promise<Record<string, unknown>> {
  const recorded = recordedShow(stateDir);
  if (recorded !== undefined) return JSON.parse(recorded) as Record<string, unknown>;
  const { stdout } = await runTerraform(["show", "-json", "-no-color"], {
    cwd: STACK_DIR,
    env: terraformEnv(writeCliConfig().path),
    timeoutMs: SHOW_TIMEOUT_MS,
  });
  const show = JSON.parse(stdout) as { values?: unknown };
  if (show.values === undefined)
    throw new UsageError("nothing is applied to this moto yet: run `make local` first");
  return show;
}

function outputsOf(show: Record<string, unknown>): Record<string, string> {
  const outputs =
    (show as { values?: { outputs?: Record<string, { value: unknown }> } }).values?.outputs ?? {};
  return Object.fromEntries(
    Object.entries(outputs).flatMap(([k, v]) => (typeof v.value === "string" ? [[k, v.value]] : [])),
  );
}

/** A runner pass on the applied lake: feed the examples, process every pending event, then the summary. */
async function localRun(stateDir: string, args: string[]): Promise<number> {
  const moto = readMoto(stateDir);
  if (!moto) throw new UsageError("moto is not running: run `make local` (or `make local/up`) first");
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : (args[i + 1] ?? "");
  };
  const note = TERRAFORM_NOTES[flag("--terraform") ?? "none"];
  if (!note) throw new UsageError(`--terraform takes ${Object.keys(TERRAFORM_NOTES).join("|")}`);
  const show = await appliedShow(stateDir);
  const { formatSummary, runLocal } = await import("../local/run.js");
  const started = Date.now();
  const summary = await runLocal({
    wiring: wiringFromState(show, STACK_DIR),
    pipelines: await loadPipelines(),
    endpoint: moto.endpoint,
    curateToday: args.includes("--curate-today"),
    terraform: note(flag("--why") ?? ""),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(formatSummary(summary));
  console.log(
    `pipelines ran in ${((Date.now() - started) / 1000).toFixed(1)} s; query the curated zone with make local/query SQL='SELECT ...'`,
  );
  return 0;
}

async function motoS3(stateDir: string): Promise<S3Client> {
  const moto = readMoto(stateDir);
  if (!moto) throw new UsageError("moto is not running: run `make local` first");
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({
    endpoint: moto.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

async function localQuery(stateDir: string, sql: string): Promise<number> {
  if (sql.trim() === "") throw new UsageError("usage: make local/query SQL='SELECT * FROM orders LIMIT 10'");
  const s3 = await motoS3(stateDir);
  const outputs = outputsOf(await appliedShow(stateDir));
  const pipelines = await loadPipelines();
  const { queryCurated } = await import("../local/athena-standin.js");
  const { whyNotCurated } = await import("../local/run.js");
  try {
    console.table(await queryCurated(s3, pipelines, outputs["curated_bucket_name"] ?? "", sql));
    return 0;
  } catch (error) {
    const table = /Table with name (\w+) does not exist/.exec(String((error as Error).message))?.[1];
    const pipeline = pipelines.find((p) => p.name === table);
    if (!pipeline) throw error;
    throw new UsageError(
      `${pipeline.name} has no curated rows yet: ${await whyNotCurated(s3, pipeline.name, outputs["raw_bucket_name"] ?? "")}`,
    );
  }
}

/** Prints the local drop bucket's name (for `aws s3 cp`). */
async function dropBucket(stateDir: string): Promise<number> {
  const name = outputsOf(await appliedShow(stateDir))["drop_bucket_name"];
  if (!name) throw new UsageError("the applied local stack has no drop_bucket_name output: run `make local`");
  console.log(name);
  return 0;
}

/** `eval "$(make -s local/env)"`: the AWS CLI's settings for the local moto, and the drop bucket. */
async function shellEnv(stateDir: string): Promise<number> {
  const moto = readMoto(stateDir);
  if (!moto) throw new UsageError("moto is not running: run `make local` first");
  const drop = outputsOf(await appliedShow(stateDir))["drop_bucket_name"] ?? "";
  console.log(
    [
      `export AWS_ENDPOINT_URL=${moto.endpoint}`,
      "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1",
      `export DROP_BUCKET=${drop}`,
    ].join("\n"),
  );
  return 0;
}

/**
 * `make local/drop FILE= PIPELINE= [DATE=]`: what `aws s3 cp` does, for a machine without the AWS CLI. The key is
 * `<pipeline>/ingest_date=<DATE>/<file name>`, DATE today (UTC) unless given.
 */
async function drop(stateDir: string, args: string[]): Promise<number> {
  const [file, pipeline, date = new Date().toISOString().slice(0, 10)] = args;
  if (!file || !pipeline)
    throw new UsageError("usage: make local/drop FILE=path/to/file.csv PIPELINE=orders [DATE=YYYY-MM-DD]");
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new UsageError(`DATE must be YYYY-MM-DD, got "${date}"`);
  const declared = (await loadPipelines()).map((p) => p.name);
  if (!declared.includes(pipeline))
    throw new UsageError(
      `no pipeline named ${pipeline} (declared: ${declared.join(", ")}); a file under an undeclared name is quarantined whole`,
    );
  const bucket = outputsOf(await appliedShow(stateDir))["drop_bucket_name"] ?? "";
  const key = `${pipeline}/ingest_date=${date}/${basename(file)}`;
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  await (await motoS3(stateDir)).send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }),
  );
  console.log(`uploaded s3://${bucket}/${key}; process it with: make local/run`);
  return 0;
}
