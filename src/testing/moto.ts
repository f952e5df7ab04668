/** SDK client settings for a moto endpoint: fixed test credentials, path-style S3, the local region. */
export function motoClientConfig(endpoint: string, region = "us-east-1") {
  return {
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}
