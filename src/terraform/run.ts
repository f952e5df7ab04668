import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { chooseMirror, renderCliConfig } from "./cli-config.js";

export const CLI_CONFIG_FILE = ".eventlake/terraform.rc";

/** Writes the CLI config for this machine and returns its absolute path. */
export function writeCliConfig(
  file = CLI_CONFIG_FILE,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { path: string; content: string } {
  const path = resolve(file);
  const content = renderCliConfig(chooseMirror(env));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { path, content };
}

/** The environment terraform runs with: our CLI config, no version check, no prompts. */
export function terraformEnv(
  cliConfigPath: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_CLI_CONFIG_FILE: cliConfigPath,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
}

export class TerraformError extends Error {}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kill terraform after this long and fail with a message naming the step. */
  readonly timeoutMs: number;
  /** Print terraform's output as it comes (make targets) rather than only collect it (tests). */
  readonly stream?: boolean;
  /** Give terraform the terminal, so it can ask for confirmation (destroy, bootstrap). */
  readonly interactive?: boolean;
}

/** Terraform subcommands that take `-no-color`. */
const COLOR_SUBCOMMANDS = new Set([
  "init",
  "validate",
  "plan",
  "apply",
  "destroy",
  "show",
  "output",
  "refresh",
  "import",
  "get",
  "test",
  "console",
]);

/**
 * `args` with `-no-color` after the subcommand when terraform's output does not reach a terminal (collected, or
 * streamed into a log or CI), so logs carry no colour codes; unchanged on a terminal or when already there.
 */
export function withNoColor(args: readonly string[], toTerminal: boolean): readonly string[] {
  const [subcommand, ...rest] = args;
  if (
    toTerminal ||
    subcommand === undefined ||
    !COLOR_SUBCOMMANDS.has(subcommand) ||
    args.includes("-no-color")
  )
    return args;
  return [subcommand, "-no-color", ...rest];
}

/**
 * Runs terraform, bounded by a timeout. moto's gaps make the provider retry for 20+ minutes, so a bound that fails
 * with a clear message is the difference between a hang and an error.
 */
export function runTerraform(
  args: readonly string[],
  options: RunOptions,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const env = options.interactive ? { ...options.env, TF_INPUT: "1" } : options.env;
    const toTerminal =
      (options.stream === true || options.interactive === true) && process.stdout.isTTY === true;
    const child = spawn("terraform", withNoColor(args, toTerminal), {
      cwd: options.cwd,
      env,
      stdio: options.interactive ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (options.stream) process.stdout.write(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
      if (options.stream) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, options.timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new TerraformError(
          error.code === "ENOENT"
            ? "terraform not found: install Terraform 1.11 (https://developer.hashicorp.com/terraform/install)"
            : error.message,
        ),
      );
    });
    child.on("close", (code: number | null) => {
      clearTimeout(timer);
      const step = `terraform ${args[0] ?? ""} in ${options.cwd}`;
      if (timedOut)
        reject(
          new TerraformError(
            `${step} did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped. Against moto this is usually an API moto lacks, which the provider retries for 20 minutes; see docs/local-gaps.md.\n${tail(stderr.trim() ? stderr : stdout)}`,
          ),
        );
      else if (code !== 0)
        reject(
          new TerraformError(`${step} failed (exit ${code}):\n${tail(stderr.trim() ? stderr : stdout)}`),
        );
      else resolvePromise({ stdout, stderr });
    });
  });
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
