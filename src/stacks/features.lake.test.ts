import { describe, expect, it } from "vitest";
import { lake, output } from "../testing/lake.js";

/**
 * The features local turns on (src/config/features.ts: natGateway, lambdasInVpc, sagemaker, lakeFormation), read
 * back from moto after the one shared apply. The SDK clients for Lambda, SageMaker and Lake Formation are not
 * dependencies, so requests are made by hand: moto routes by the service in the credential scope and does not check
 * signatures.
 */
async function call(
  service: string,
  path: string,
  init: { body?: object; target?: string } = {},
): Promise<unknown> {
  const response = await fetch(`${lake().endpoint}${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      "content-type": init.target ? "application/x-amz-json-1.1" : "application/json",
      ...(init.target ? { "x-amz-target": init.target } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
const privateSubnets = () => output("vpc_private_subnet_ids").split(",").sort();

describe("features in the applied local stack", () => {
  it.each(["drop_to_raw", "ingest"])(
    "runs the %s function in the private subnets behind the Lambda security group",
    async (fn) => {
      const config = (await call(
        "lambda",
        `/2015-03-31/functions/${output(`${fn}_function_name`)}/configuration`,
      )) as {
        VpcConfig: { SubnetIds: string[]; SecurityGroupIds: string[] };
      };

      expect([...config.VpcConfig.SubnetIds].sort()).toEqual(privateSubnets());
      expect(config.VpcConfig.SecurityGroupIds).toEqual([output("lambda_security_group_id")]);
    },
  );

  it("has the scientists' notebook in service in a private subnet, with no internet and no root", async () => {
    const notebook = (await call("sagemaker", "/", {
      target: "SageMaker.DescribeNotebookInstance",
      body: { NotebookInstanceName: output("notebook_instance_name") },
    })) as Record<string, unknown>;

    expect(notebook).toMatchObject({
      NotebookInstanceName: "event-lake-local-scientists",
      NotebookInstanceStatus: "InService",
      DirectInternetAccess: "Disabled",
      RootAccess: "Disabled",
      InstanceType: "ml.t3.medium",
      VolumeSizeInGB: 20,
    });
    expect(privateSubnets()).toContain(notebook["SubnetId"]);
    expect(String(notebook["KmsKeyId"])).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    expect(String(notebook["RoleArn"])).toMatch(/:role\/event-lake-local-notebook$/);
  });

  it("registers the four data zones with Lake Formation under the registration role", async () => {
    const { ResourceInfoList } = (await call("lakeformation", "/ListResources", { body: {} })) as {
      ResourceInfoList: { ResourceArn: string; RoleArn: string }[];
    };

    expect(ResourceInfoList.map((r) => r.ResourceArn).sort()).toEqual(
      ["curated", "drop", "quarantine", "raw"].map((z) => `arn:aws:s3:::event-lake-local-${z}-123456789012`),
    );
    for (const r of ResourceInfoList) expect(r.RoleArn).toBe(output("lakeformation_registration_role_arn"));
  });

  it.each(["drop", "raw", "curated"])("tags the %s database with its zone", async (zone) => {
    const tags = (await call("lakeformation", "/GetResourceLFTags", {
      body: { Resource: { Database: { Name: `event_lake_local_${zone}` } } },
    })) as { LFTagOnDatabase: { TagKey: string; TagValues: string[] }[] };

    expect(tags.LFTagOnDatabase.map(({ TagKey, TagValues }) => ({ TagKey, TagValues }))).toEqual([
      { TagKey: "zone", TagValues: [zone] },
    ]);
  });

  it("makes the steward a data lake admin and keeps IAM access for new databases and tables (hybrid mode)", async () => {
    const { DataLakeSettings } = (await call("lakeformation", "/GetDataLakeSettings", { body: {} })) as {
      DataLakeSettings: {
        DataLakeAdmins: { DataLakePrincipalIdentifier: string }[];
        CreateDatabaseDefaultPermissions: unknown[];
        CreateTableDefaultPermissions: unknown[];
      };
    };
    const iamOnly = [
      { Permissions: ["ALL"], Principal: { DataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" } },
    ];

    expect(DataLakeSettings.DataLakeAdmins.map((a) => a.DataLakePrincipalIdentifier)).toContain(
      output("data_steward_role_arn"),
    );
    expect(DataLakeSettings.CreateDatabaseDefaultPermissions).toEqual(iamOnly);
    expect(DataLakeSettings.CreateTableDefaultPermissions).toEqual(iamOnly);
  });
});
