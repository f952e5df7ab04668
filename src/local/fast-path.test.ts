import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MOTO_STATE_FILE } from "../config/moto-state.js";
import { decide, forget, readRecord, record, recordedShow, stackHash } from "./fast-path.js";

/** A synthesized stack dir (cdk.tf.json, two asset zips) and a local state dir with moto.json and a state file. */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), "fast-path-"));
  const stack = join(root, "stack");
  const state = join(root, "state");
  mkdirSync(join(stack, "assets", "asset-ingest", "AB12"), { recursive: true });
  mkdirSync(join(stack, "assets", "asset-layer", "CD34"), { recursive: true });
  mkdirSync(state);
  writeFileSync(join(stack, "cdk.tf.json"), '{"resource":{}}');
  writeFileSync(join(stack, "assets", "asset-ingest", "AB12", "ingest.zip"), "zip-1");
  writeFileSync(join(stack, "assets", "asset-layer", "CD34", "layer.zip"), "layer-1");
  const moto = (startedAt: string, pid = 4242) =>
    writeFileSync(
      join(state, MOTO_STATE_FILE),
      JSON.stringify({ pid, port: 5999, endpoint: "http://127.0.0.1:5999", startedAt }),
    );
  moto("2026-12-06T01:00:00.000Z");
  writeFileSync(join(state, "terraform.tfstate"), '{"serial":7}');
  return { stack, state, moto };
}

describe("the warm make local fast path", () => {
  it("plans and applies when no apply was recorded, and says so", () => {
    const { stack, state } = fixture();
    expect(decide(stack, state)).toEqual({ skip: false, reason: "no apply recorded for this moto yet" });
  });

  it("skips plan and apply once the same stack was applied to the same moto and the state is unchanged", () => {
    const { stack, state } = fixture();
    const applied = record(stack, state, '{"values":{}}', new Date("2026-12-06T02:00:00Z"));
    expect(applied).toEqual({
      moto: { pid: 4242, port: 5999, startedAt: "2026-12-06T01:00:00.000Z" },
      stack: stackHash(stack),
      state: createHash("sha256").update('{"serial":7}').digest("hex"),
      recordedAt: "2026-12-06T02:00:00.000Z",
    });
    expect(decide(stack, state)).toEqual({ skip: true, record: applied });
    expect(recordedShow(state)).toBe('{"values":{}}');
  });

  it.each([
    ["cdk.tf.json", '{"resource":{"x":{}}}'],
    [join("assets", "asset-ingest", "AB12", "ingest.zip"), "zip-2"],
    [join("assets", "asset-layer", "CD34", "layer.zip"), "layer-2"],
  ])("plans and applies when %s changed", (file, content) => {
    const { stack, state } = fixture();
    record(stack, state, "{}");
    writeFileSync(join(stack, file), content);
    expect(decide(stack, state)).toEqual({
      skip: false,
      reason: "the local stack or a handler bundle changed since the last apply",
    });
  });

  it("plans and applies when an asset moved (its path is part of the hash)", () => {
    const { stack } = fixture();
    const before = stackHash(stack);
    expect(stackHash(stack)).toBe(before);
    renameSync(join(stack, "assets", "asset-ingest", "AB12"), join(stack, "assets", "asset-ingest", "EF56"));
    expect(stackHash(stack)).not.toBe(before);
  });

  it("plans and applies on a new moto: the record is tied to the instance it was applied to", () => {
    const { stack, state, moto } = fixture();
    record(stack, state, "{}");
    moto("2026-12-06T03:00:00.000Z", 5151);
    expect(decide(stack, state)).toEqual({
      skip: false,
      reason: "a new moto (started 2026-12-06T03:00:00.000Z) since the last apply",
    });
  });

  it("plans and applies when the state changed after the recorded apply (another apply ran), and stops serving the recorded wiring", () => {
    const { stack, state } = fixture();
    record(stack, state, '{"values":{}}');
    writeFileSync(join(state, "terraform.tfstate"), '{"serial":8}');
    expect(decide(stack, state)).toEqual({
      skip: false,
      reason: "the local state changed since the recorded apply (another apply ran)",
    });
    expect(recordedShow(state)).toBeUndefined();
  });

  it("forgets the record before a plan, so a failed apply leaves none", () => {
    const { stack, state } = fixture();
    record(stack, state, "{}");
    forget(state);
    expect(readRecord(state)).toBeUndefined();
    expect(recordedShow(state)).toBeUndefined();
    expect(decide(stack, state)).toEqual({ skip: false, reason: "no apply recorded for this moto yet" });
  });

  it("records nothing when nothing was applied, or when no moto is recorded", () => {
    const empty = fixture();
    writeFileSync(join(empty.state, "terraform.tfstate"), "");
    const none = mkdtempSync(join(tmpdir(), "fast-path-none-"));
    expect(() => record(empty.stack, none, "{}")).toThrow(`no moto recorded in ${none}`);
    const noState = fixture();
    renameSync(join(noState.state, "terraform.tfstate"), join(noState.state, "elsewhere"));
    expect(() => record(noState.stack, noState.state, "{}")).toThrow(
      `${join(noState.state, "terraform.tfstate")} does not exist: nothing was applied`,
    );
    expect(readRecord(noState.state)).toBeUndefined();
  });
});
