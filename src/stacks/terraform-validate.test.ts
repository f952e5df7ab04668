import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseMirror, renderCliConfig } from "../terraform/cli-config.js";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { type SynthResult, synthApp } from "../testing/synth.js";

// Real Terraform, real provider from the machine's mirror. A missing terraform or mirror fails here; it is never a skip.
let synth: SynthResult;
/** Every feature on: provisioned Redshift in test, Serverless in sandbox, QuickSight, SageMaker, Lake Formation. */
let allFeatures: SynthResult;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  synth = await synthApp();
  const on = (name: string) =>
    Object.fromEntries(
      [
        "NAT_GATEWAY",
        "LAMBDAS_IN_VPC",
        "QUICKSIGHT_ATHENA",
        "QUICKSIGHT_REDSHIFT",
        "SAGEMAKER",
        "LAKE_FORMATION",
      ].map((field) => [`EVENT_LAKE_${name}_FEATURES_${field}`, "true"]),
    );
  allFeatures = await synthApp({
    environments: ["test", "sandbox"],
    env: { ...on("TEST"), ...on("SANDBOX"), EVENT_LAKE_TEST_FEATURES_REDSHIFT: "provisioned" },
  });
  const choice = chooseMirror(process.env);
  const rc = join(mkdtempSync(join(tmpdir(), "tfrc-")), "terraform.rc");
  writeFileSync(rc, renderCliConfig(choice));
  // Offline by construction: a provider that is not in the mirror cannot be fetched from anywhere.
  env = terraformEnv(rc, {
    ...process.env,
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
  });
  expect(choice.providers, "no provider mirror found: set TF_PROVIDER_MIRROR").toContain(
    "registry.terraform.io/hashicorp/aws",
  );
});

describe("terraform validate with the real provider", () => {
  it.each([
    ["test", "defaults"],
    ["sandbox", "defaults"],
    ["local", "defaults"],
    ["bootstrap", "defaults"],
    ["test", "every feature on"],
    ["sandbox", "every feature on"],
  ])(
    "%s is valid (%s)",
    async (stack, features) => {
      const cwd = join((features === "defaults" ? synth : allFeatures).outdir, "stacks", stack);

      await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], {
        cwd,
        env,
        timeoutMs: 240_000,
      });
      const { stdout } = await runTerraform(["validate", "-json", "-no-color"], {
        cwd,
        env,
        timeoutMs: 240_000,
      });

      const result = JSON.parse(stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
      expect(result).toMatchObject({ valid: true, error_count: 0 });
    },
    300_000,
  );
});
