import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { readMoto } from "../config/moto-state.js";

/**
 * The warm `make local` fast path: terraform plan and apply are skipped when the synthesized local stack (its
 * cdk.tf.json and every asset it ships: the handler zips and the layer) is byte-identical to what was last applied
 * to the moto running now, and the state is the one that apply left. The record lives beside the local state
 * (`applied.json` in the local state dir), so `make local/down` deletes it with the state, and it names the moto
 * instance, so a new moto never inherits it. It is written only after an apply succeeded and deleted before any
 * plan, so a failed or interrupted apply leaves none.
 */
export const APPLIED_FILE = "applied.json";
/** `terraform show -json` of the state right after the recorded apply: the runner's wiring without terraform. */
export const APPLIED_SHOW_FILE = "applied-show.json";
export const STATE_FILE = "terraform.tfstate";

export interface AppliedRecord {
  /** The moto instance applied to, as `make local/up` recorded it. */
  readonly moto: { readonly pid: number; readonly port: number; readonly startedAt: string };
  /** sha256 over cdk.tf.json and every file under assets/ (path and bytes). */
  readonly stack: string;
  /** sha256 of terraform.tfstate as the apply left it. */
  readonly state: string;
  readonly recordedAt: string;
}

export type Decision =
  | { readonly skip: true; readonly record: AppliedRecord }
  | { readonly skip: false; readonly reason: string };

/** sha256 over the stack's cdk.tf.json and its assets, each as its relative path then its bytes, in path order. */
export function stackHash(stackDir: string): string {
  const hash = createHash("sha256");
  const files = [
    "cdk.tf.json",
    ...listFiles(join(stackDir, "assets")).map((f) => relative(stackDir, f)),
  ].sort();
  for (const file of files) {
    const bytes = readFileSync(join(stackDir, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

function fileHash(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export function readRecord(stateDir: string): AppliedRecord | undefined {
  const file = join(stateDir, APPLIED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as AppliedRecord;
  } catch {
    return undefined;
  }
}

/** Whether plan and apply can be skipped, and if not, why (said in `make local`'s output). */
export function decide(stackDir: string, stateDir: string): Decision {
  const record = readRecord(stateDir);
  if (!record) return { skip: false, reason: "no apply recorded for this moto yet" };
  const moto = readMoto(stateDir);
  if (!moto) return { skip: false, reason: "no moto recorded in the local state dir" };
  if (
    moto.pid !== record.moto.pid ||
    moto.port !== record.moto.port ||
    moto.startedAt !== record.moto.startedAt
  )
    return { skip: false, reason: `a new moto (started ${moto.startedAt}) since the last apply` };
  if (!existsSync(join(stackDir, "cdk.tf.json")))
    return { skip: false, reason: `${stackDir} has no cdk.tf.json` };
  if (stackHash(stackDir) !== record.stack)
    return { skip: false, reason: "the local stack or a handler bundle changed since the last apply" };
  if (fileHash(join(stateDir, STATE_FILE)) !== record.state)
    return { skip: false, reason: "the local state changed since the recorded apply (another apply ran)" };
  if (!existsSync(join(stateDir, APPLIED_SHOW_FILE)))
    return { skip: false, reason: `${APPLIED_SHOW_FILE} is missing` };
  return { skip: true, record };
}

/** Deletes the record: called before any plan, so only a finished apply can leave one. */
export function forget(stateDir: string): void {
  rmSync(join(stateDir, APPLIED_FILE), { force: true });
  rmSync(join(stateDir, APPLIED_SHOW_FILE), { force: true });
}

/**
 * Records a successful apply of `stackDir` to the moto recorded in `stateDir`, with the state's `terraform show
 * -json` (`show`) for the runner. Written last, so an interruption leaves no record.
 */
export function record(stackDir: string, stateDir: string, show: string, now = new Date()): AppliedRecord {
  const moto = readMoto(stateDir);
  if (!moto) throw new Error(`no moto recorded in ${stateDir}: nothing to tie the apply to`);
  const state = fileHash(join(stateDir, STATE_FILE));
  if (state === undefined)
    throw new Error(`${join(stateDir, STATE_FILE)} does not exist: nothing was applied`);
  const applied: AppliedRecord = {
    moto: { pid: moto.pid, port: moto.port, startedAt: moto.startedAt },
    stack: stackHash(stackDir),
    state,
    recordedAt: now.toISOString(),
  };
  writeFileSync(join(stateDir, APPLIED_SHOW_FILE), show);
  writeFileSync(join(stateDir, APPLIED_FILE), `${JSON.stringify(applied, null, 2)}\n`);
  return applied;
}

/** The state's `terraform show -json` recorded with the apply, while the state is still the one recorded. */
export function recordedShow(stateDir: string): string | undefined {
  const applied = readRecord(stateDir);
  if (!applied || fileHash(join(stateDir, STATE_FILE)) !== applied.state) return undefined;
  const file = join(stateDir, APPLIED_SHOW_FILE);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}
