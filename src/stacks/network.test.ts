import { describe, expect, it } from "vitest";
import { FEATURE_DEFAULTS } from "../config/features.js";
import type { FeatureConfig } from "../config/types.js";
import { loadPipelines } from "../pipelines/index.js";
import { resourcesOf, type StackJson, synthApp } from "../testing/synth.js";
import { compatFor } from "./local-compat.js";
import { interfaceEndpoints, LAMBDA_ENDPOINTS, SAGEMAKER_ENDPOINTS } from "./network.js";

const FUNCTIONS = ["drop-to-raw/function", "ingest/function", "crawler-chain/orchestrator/function"];

async function testStack(env: Record<string, string>): Promise<StackJson> {
  const { stacks } = await synthApp({ environments: ["test"], env });
  if (!stacks["test"]) throw new Error("no test stack");
  return stacks["test"];
}

function functionsByPath(json: StackJson): Record<string, Record<string, unknown>> {
  const all = resourcesOf(json, "aws_lambda_function");
  return Object.fromEntries(
    FUNCTIONS.map((suffix) => {
      const found = Object.entries(all).find(([path]) => path.endsWith(`/${suffix}`));
      if (!found) throw new Error(`no function at */${suffix}; have ${Object.keys(all).join(", ")}`);
      return [suffix, found[1]];
    }),
  );
}

const endpointServices = (json: StackJson) =>
  Object.values(resourcesOf(json, "aws_vpc_endpoint"))
    .filter((e) => e["vpc_endpoint_type"] === "Interface")
    .map((e) => String(e["service_name"]).replace(/^.*\.name\}\./, ""))
    .sort();

describe("features.lambdasInVpc", () => {
  it("is off by default: no function has a VPC config, and only Redshift's Glue endpoint exists", async () => {
    const json = await testStack({});

    for (const fn of Object.values(functionsByPath(json))) expect(fn["vpc_config"]).toBeUndefined();
    expect(endpointServices(json)).toEqual(["glue"]);
  });

  it("places every Lambda of the lake in the private subnets behind the Lambda security group", async () => {
    const json = await testStack({
      EVENT_LAKE_TEST_FEATURES_LAMBDAS_IN_VPC: "true",
      EVENT_LAKE_TEST_FEATURES_NAT_GATEWAY: "true",
    });

    const subnets = Object.keys(resourcesOf(json, "aws_subnet")).filter((p) =>
      p.includes("/network/private-"),
    );
    expect(subnets).toHaveLength(2);
    for (const fn of Object.values(functionsByPath(json)))
      expect(fn["vpc_config"]).toEqual({
        subnet_ids: [
          expect.stringMatching(/^\$\{aws_subnet\.network_private-0_[0-9A-F]{8}\.id\}$/),
          expect.stringMatching(/^\$\{aws_subnet\.network_private-1_[0-9A-F]{8}\.id\}$/),
        ],
        security_group_ids: [
          expect.stringMatching(/^\$\{aws_security_group\.network_lambda-security-group_[0-9A-F]{8}\.id\}$/),
        ],
      });
    expect(endpointServices(json)).toEqual([...LAMBDA_ENDPOINTS].sort());
  });

  it("refuses Lambdas in the VPC without a NAT gateway while a pipeline pulls from the internet", async () => {
    await expect(testStack({ EVENT_LAKE_TEST_FEATURES_LAMBDAS_IN_VPC: "true" })).rejects.toThrow(
      'environments.test.features.lambdasInVpc (environment "test"):\n' +
        '  - pipeline "orders" pulls https://shop.example.com/exports/orders.csv from the internet: set features.natGateway too, or turn features.lambdasInVpc off',
    );
  });

  it("refuses a plain-http source for Lambdas in the VPC", async () => {
    const pipelines = (await loadPipelines()).map((p) =>
      p.source.kind === "http" ? { ...p, source: { ...p.source, url: "http://shop.example.com/o.csv" } } : p,
    );
    await expect(
      synthApp({
        environments: ["test"],
        pipelines,
        env: {
          EVENT_LAKE_TEST_FEATURES_LAMBDAS_IN_VPC: "true",
          EVENT_LAKE_TEST_FEATURES_NAT_GATEWAY: "true",
        },
      }),
    ).rejects.toThrow(
      'pipeline "orders": a Lambda in the VPC may reach https:// sources only, not http://shop.example.com/o.csv',
    );
  });
});

describe("features.sagemaker: the notebook's interface endpoints", () => {
  it("adds the SageMaker API and runtime endpoints", async () => {
    const json = await testStack({ EVENT_LAKE_TEST_FEATURES_SAGEMAKER: "true" });

    expect(endpointServices(json)).toEqual([...new Set(["glue", ...SAGEMAKER_ENDPOINTS])].sort());
  });
});

describe("interface endpoints: only what the enabled workloads call", () => {
  const endpoints = (features: Partial<FeatureConfig>, env: "test" | "local" = "test") =>
    interfaceEndpoints({
      env: { features: { ...FEATURE_DEFAULTS, ...features } } as never,
      compat: compatFor({ name: env }),
    });

  it.each([
    [{ redshift: "off" as const }, []],
    [{}, ["glue"]],
    [{ redshift: "provisioned" as const }, ["glue"]],
    [{ redshift: "off" as const, lambdasInVpc: true }, ["glue", "secretsmanager", "sns", "states"]],
    [{ lambdasInVpc: true }, ["glue", "secretsmanager", "sns", "states"]],
  ])("%j -> %j", (features, expected) => {
    expect(endpoints(features)).toEqual(expected);
  });

  it("leaves Redshift's endpoint out where Redshift is left out (local)", () => {
    expect(endpoints({}, "local")).toEqual([]);
  });
});
