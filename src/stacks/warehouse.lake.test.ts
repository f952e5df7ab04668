import { GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { runTerraform, terraformEnv } from "../terraform/run.js";
import { lake, output } from "../testing/lake.js";
import { motoClientConfig } from "../testing/moto.js";

/**
 * The SDK clients for IAM, CloudTrail and EC2 are not dependencies of this project, so these calls are made by
 * hand: moto routes a request by the service in the Authorization header's credential scope and does not check
 * signatures. Query protocol (IAM, EC2) answers XML; JSON protocol (CloudTrail) answers JSON.
 */
async function call(
  service: string,
  init: { body: string; headers: Record<string, string> },
): Promise<string> {
  const response = await fetch(lake().endpoint, {
    method: "POST",
    headers: {
      ...init.headers,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: init.body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}
const query = (service: string, params: Record<string, string>) =>
  call(service, {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
const cloudtrail = async (operation: string, body: object) =>
  JSON.parse(
    await call("cloudtrail", {
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${operation}`,
      },
      body: JSON.stringify(body),
    }),
  ) as Record<string, unknown>;

describe("warehouse in the applied local stack", () => {
  it.each(["data_steward", "data_engineer", "data_scientist", "bi_analyst"])(
    "has the %s role, assumable from the account root, with its inline policy",
    async (persona) => {
      const arn = output(`${persona}_role_arn`);
      const name = arn.split("/").pop() as string;
      expect(name).toBe(`event-lake-local-${persona.replace("_", "-")}`);
      const role = await query("iam", { Action: "GetRole", RoleName: name, Version: "2010-05-08" });
      const trust = decodeURIComponent(/<AssumeRolePolicyDocument>([^<]*)</.exec(role)?.[1] ?? "");
      expect(JSON.parse(trust).Statement[0].Principal.AWS).toMatch(/^arn:aws:iam::\d{12}:root$/);
      const policies = await query("iam", {
        Action: "ListRolePolicies",
        RoleName: name,
        Version: "2010-05-08",
      });
      expect(policies).toContain(
        `<member>event-lake-${persona === "bi_analyst" ? "analyst" : persona.split("_")[1]}</member>`,
      );
    },
  );

  it("has the audit trail: multi-region, validated, KMS-encrypted, into its bucket, not logging in local", async () => {
    const { trailList } = (await cloudtrail("DescribeTrails", {
      trailNameList: [output("audit_trail_arn")],
    })) as {
      trailList: Record<string, unknown>[];
    };
    expect(trailList).toHaveLength(1);
    expect(trailList[0]).toMatchObject({
      Name: "event-lake-local-audit",
      S3BucketName: output("audit_trail_bucket_name"),
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      IncludeGlobalServiceEvents: true,
    });
    expect(String(trailList[0]?.["KmsKeyId"])).toMatch(/^arn:aws:kms:/);
    const status = await cloudtrail("GetTrailStatus", { Name: output("audit_trail_arn") });
    expect(status["IsLogging"]).toBe(false);
  });

  it("admits CloudTrail to the trail bucket for this trail only", async () => {
    const s3 = new S3Client(motoClientConfig(lake().endpoint));
    const { Policy } = await s3.send(
      new GetBucketPolicyCommand({ Bucket: output("audit_trail_bucket_name") }),
    );
    const statements = JSON.parse(Policy ?? "{}").Statement as Record<string, unknown>[];
    expect(statements.map((s) => s["Sid"])).toEqual(["CloudTrailAclCheck", "CloudTrailWrite"]);
    for (const s of statements)
      expect(JSON.stringify(s["Condition"])).toContain(`"aws:SourceArn":"${output("audit_trail_arn")}"`);
  });

  it("has the VPC with its private subnets, endpoints, flow log and NAT gateway", async () => {
    const ec2 = (params: Record<string, string>) => query("ec2", { Version: "2016-11-15", ...params });
    const vpc = output("vpc_id");
    const subnets = await ec2({
      Action: "DescribeSubnets",
      "Filter.1.Name": "vpc-id",
      "Filter.1.Value.1": vpc,
    });
    // Two private subnets, plus two public ones for the NAT gateway (local has features.natGateway on).
    const ids = [...subnets.matchAll(/<subnetId>([^<]+)</g)].map((m) => m[1]);
    expect(ids).toHaveLength(4);
    expect(ids).toEqual(expect.arrayContaining(output("vpc_private_subnet_ids").split(",")));
    expect([...subnets.matchAll(/<mapPublicIpOnLaunch>([^<]+)</g)].map((m) => m[1])).toEqual([
      "false",
      "false",
      "false",
      "false",
    ]);
    const endpoints = await ec2({
      Action: "DescribeVpcEndpoints",
      "Filter.1.Name": "vpc-id",
      "Filter.1.Value.1": vpc,
    });
    const services = [...endpoints.matchAll(/<serviceName>com\.amazonaws\.[a-z0-9-]+\.([a-z0-9.-]+)</g)]
      .map((m) => m[1])
      .sort();
    // The gateways, plus what the local features call: the Lambdas in the VPC and the notebook (no Redshift here).
    expect(services).toEqual(
      ["athena", "dynamodb", "glue", "logs", "s3", "sagemaker.api", "secretsmanager", "sns", "states"].sort(),
    );
    const flowLogs = await ec2({
      Action: "DescribeFlowLogs",
      "Filter.1.Name": "resource-id",
      "Filter.1.Value.1": vpc,
    });
    expect(flowLogs).toContain("<trafficType>ALL</trafficType>");
    expect(flowLogs).toMatch(
      /<logDestination>arn:aws:logs:[^<]*:log-group:\/event-lake-local\/vpc-flow-logs<\/logDestination>/,
    );
    // moto checks the log group only by LogGroupName, which a log_destination leaves unset, so it reports the
    // delivery FAILED (LOCAL_GAPS "vpc-flow-log-status"); AWS delivers. Nothing is delivered in moto either way.
    expect(flowLogs).toContain("<flowLogStatus>ACTIVE</flowLogStatus>");
    const gateways = await ec2({
      Action: "DescribeNatGateways",
      "Filter.1.Name": "vpc-id",
      "Filter.1.Value.1": vpc,
    });
    // Local has features.natGateway on: one NAT gateway, in a public subnet, not a private one.
    expect([...gateways.matchAll(/<natGatewayId>/g)]).toHaveLength(1);
    expect(gateways).toContain("<state>available</state>");
    const natSubnet = /<subnetId>([^<]+)</.exec(gateways)?.[1];
    expect(ids).toContain(natSubnet);
    expect(output("vpc_private_subnet_ids").split(",")).not.toContain(natSubnet);
  });

  it("plans no change to the warehouse's resources, nor to any role (boundary included), once applied (moto echoes them back as sent)", async () => {
    const { stdout } = await runTerraform(["plan", "-input=false", "-no-color", "-lock=false"], {
      cwd: lake().stackDir,
      env: terraformEnv(lake().cliConfig),
      timeoutMs: 180_000,
    });
    const changed = [...stdout.matchAll(/^\s*# (\S+) (?:will|must) be /gm)].map((m) => m[1] ?? "");
    expect(
      changed.filter(
        (a) => /^(data\.)?aws_\w+\.(personas|audit-trail|network)_/.test(a) || a.startsWith("aws_iam_role."),
      ),
    ).toEqual([]);
  }, 200_000);
});
