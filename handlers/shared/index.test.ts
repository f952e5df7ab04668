import { afterEach, describe, expect, it, vi } from "vitest";

describe("handlers/shared", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("builds each client once per container, pointed at AWS_ENDPOINT_URL with path-style S3", async () => {
    // prepare
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:5999");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("POWERTOOLS_SERVICE_NAME", "event-lake-test-ingest");
    const shared = await import("./index.js");

    // act
    const s3 = shared.s3Client();
    const endpoint = await s3.config.endpoint?.();

    // assess
    expect(shared.s3Client()).toBe(s3);
    expect(shared.dynamoClient()).toBe(shared.dynamoClient());
    expect(s3.config.forcePathStyle).toBe(true);
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe("http://127.0.0.1:5999");
    expect(await s3.config.region()).toBe("eu-west-1");
    expect(shared.serviceName).toBe("event-lake-test-ingest");
  });

  it("leaves the endpoint to the SDK and virtual-hosted S3 when AWS_ENDPOINT_URL is unset", async () => {
    // prepare
    vi.stubEnv("AWS_ENDPOINT_URL", "");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    const shared = await import("./index.js");

    // act
    const config = shared.clientConfig();

    // assess
    expect(config).toEqual({ region: "eu-west-1" });
    expect(shared.s3Client().config.forcePathStyle).toBe(false);
  });

  it("requireEnv names the missing variable", async () => {
    // prepare
    const { requireEnv } = await import("./index.js");

    // act / assess
    expect(() => requireEnv("DROP_BUCKET", {})).toThrow("environment variable DROP_BUCKET is not set");
    expect(requireEnv("DROP_BUCKET", { DROP_BUCKET: "b" })).toBe("b");
  });
});
