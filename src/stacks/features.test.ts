import { describe, expect, it } from "vitest";
import { maskHashes, resourceAt, resourcesOf, type StackJson, synthApp } from "../testing/synth.js";

/** One environment's stack with `features` overridden the way the shell would. */
async function stackWith(
  env: "test" | "sandbox" | "local",
  features: Record<string, string>,
): Promise<StackJson> {
  const variables = Object.fromEntries(
    Object.entries(features).map(([field, value]) => [
      `EVENT_LAKE_${env.toUpperCase()}_FEATURES_${field.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`,
      value,
    ]),
  );
  const { stacks } = await synthApp({
    environments: [env],
    env: { EVENT_LAKE_LOCAL_ENDPOINT: "http://127.0.0.1:4599", ...variables },
  });
  const json = stacks[env];
  if (!json) throw new Error(`no ${env} stack`);
  return maskHashes(json);
}
const count = (json: StackJson, type: string) => Object.keys(json.resource[type] ?? {}).length;

describe("features.redshift", () => {
  it('"off" builds no warehouse and no interface endpoint for it', async () => {
    const json = await stackWith("test", { redshift: "off" });

    expect(count(json, "aws_redshiftserverless_workgroup")).toBe(0);
    expect(count(json, "aws_redshift_cluster")).toBe(0);
    expect(count(json, "aws_vpc_endpoint")).toBe(2); // the S3 and DynamoDB gateways
    expect(Object.keys(json.output ?? {})).not.toContain("redshift_role_arn");
  });

  it('"provisioned" builds a cluster of the configured size instead of Serverless', async () => {
    const json = await stackWith("test", {
      redshift: "provisioned",
      redshiftNodeType: "ra3.4xlarge",
      redshiftNodes: "3",
    });

    expect(count(json, "aws_redshiftserverless_workgroup")).toBe(0);
    expect(resourceAt(json, "aws_redshift_cluster", "/redshift/cluster")).toMatchObject({
      cluster_identifier: "event-lake-test-warehouse",
      node_type: "ra3.4xlarge",
      number_of_nodes: 3,
      cluster_type: "multi-node",
      encrypted: true,
      publicly_accessible: false,
      manage_master_password: true,
      enhanced_vpc_routing: true,
    });
    expect(json.output?.["redshift_endpoint_host"]).toBeDefined();
    expect(json.output?.["redshift_workgroup_name"]).toBeUndefined();
  });
});

describe("features.quicksightAthena / quicksightRedshift", () => {
  it("are off by default: no data source, and the analyst gets no QuickSight actions", async () => {
    const json = await stackWith("test", {});

    expect(count(json, "aws_quicksight_data_source")).toBe(0);
    expect(JSON.stringify(json.data?.["aws_iam_policy_document"] ?? {})).not.toContain("quicksight:");
  });

  it("build an Athena source on the analysts' workgroup and a Redshift source through a VPC connection", async () => {
    const json = await stackWith("test", { quicksightAthena: "true", quicksightRedshift: "true" });

    expect(resourceAt(json, "aws_quicksight_data_source", "/quicksight/athena")).toMatchObject({
      data_source_id: "event-lake-test-athena",
      type: "ATHENA",
      parameters: { athena: { work_group: "${aws_athena_workgroup.workgroup-analysts_workgroup.name}" } },
    });
    expect(resourceAt(json, "aws_quicksight_data_source", "/quicksight/redshift")).toMatchObject({
      data_source_id: "event-lake-test-redshift",
      type: "REDSHIFT",
      ssl_properties: { disable_ssl: false },
    });
    expect(resourceAt(json, "aws_quicksight_vpc_connection", "/quicksight/vpc-connection")).toMatchObject({
      vpc_connection_id: "event-lake-test-redshift",
    });
    expect(JSON.stringify(json.data?.["aws_iam_policy_document"] ?? {})).toContain(
      "quicksight:DescribeDashboard",
    );
    const ingress = resourceAt(json, "aws_security_group", "/redshift/security-group")["ingress"] as {
      description: string;
    }[];
    expect(ingress.map((rule) => rule.description)).toContain(
      "Redshift from the QuickSight address range of the region",
    );
  });

  it("admit QuickSight's service role to the curated and Athena results keys, through S3 only", async () => {
    const json = await stackWith("test", { quicksightAthena: "true" });
    const keyPolicy = (zone: string) =>
      (json.data?.["aws_iam_policy_document"]?.[`zone-${zone}_key-policy`]?.["statement"] ?? []) as {
        principals?: { identifiers: string[] }[];
        actions: string[];
      }[];
    const forQuickSight = (zone: string) =>
      keyPolicy(zone)
        .filter((st) =>
          st.principals?.[0]?.identifiers.includes("${data.aws_iam_role.quicksight-service-role.arn}"),
        )
        .map((st) => st.actions);

    expect(json.data?.["aws_iam_role"]?.["quicksight-service-role"]).toMatchObject({
      name: "aws-quicksight-service-role-v0",
    });
    expect(forQuickSight("curated")).toEqual([["kms:Decrypt"]]);
    expect(forQuickSight("athena-results")).toEqual([["kms:Decrypt", "kms:GenerateDataKey"]]);
    expect(forQuickSight("raw")).toEqual([]);
  });

  it("are left out of local, where moto's QuickSight data sources do not work", async () => {
    const json = await stackWith("local", { quicksightAthena: "true" });

    expect(count(json, "aws_quicksight_data_source")).toBe(0);
  });
});

describe("features.lakeFormation", () => {
  it("is off by default", async () => {
    expect(count(await stackWith("test", {}), "aws_lakeformation_resource")).toBe(0);
  });

  it("registers the four zones, tags the three catalog databases and grants the personas by tag", async () => {
    const json = await stackWith("test", { lakeFormation: "true" });

    expect(
      Object.keys(resourcesOf(json, "aws_lakeformation_resource"))
        .map((path) => path.split("/").pop())
        .sort(),
    ).toEqual(["location-curated", "location-drop", "location-quarantine", "location-raw"]);
    expect(count(json, "aws_lakeformation_resource_lf_tags")).toBe(3);
    const grants = Object.keys(resourcesOf(json, "aws_lakeformation_permissions")).map((p) =>
      p.split("/").pop(),
    );
    expect(grants).toEqual(
      expect.arrayContaining([
        "engineer-table",
        "scientist-table",
        "analyst-table",
        "location-crawlers-raw",
        "location-curated-orders-curated",
      ]),
    );
    const settings = Object.values(json.resource["aws_lakeformation_data_lake_settings"] ?? {})[0];
    expect(settings?.["admins"]).toEqual([
      "${aws_iam_role.personas_role-steward.arn}",
      "${data.aws_iam_session_context.lake-formation_caller-session.issuer_arn}",
      "arn:aws:iam::111111111111:role/event-lake-test-github-apply",
    ]);
  });

  it("makes no LF-tag grants in local, where moto cannot read them back", async () => {
    const json = await stackWith("local", { lakeFormation: "true" });
    const grants = Object.keys(resourcesOf(json, "aws_lakeformation_permissions")).map((p) =>
      p.split("/").pop(),
    );

    expect(count(json, "aws_lakeformation_resource")).toBe(4);
    expect(grants.filter((g) => !g?.startsWith("location-"))).toEqual([]);
  });
});

describe("features.sagemaker", () => {
  it("is on in sandbox by default: a notebook the scientist may open, in a private subnet, with its endpoints", async () => {
    const json = await stackWith("sandbox", {});

    expect(resourceAt(json, "aws_sagemaker_notebook_instance", "/notebook/instance")).toMatchObject({
      name: "event-lake-sandbox-scientists",
      direct_internet_access: "Disabled",
      root_access: "Disabled",
      instance_type: "ml.t3.medium",
      subnet_id: "${aws_subnet.network_private-0.id}",
    });
    expect(count(json, "aws_sagemaker_notebook_instance_lifecycle_configuration")).toBe(1);
    const scientist = JSON.stringify(
      json.data?.["aws_iam_policy_document"]?.["personas_policy-scientist_document"],
    );
    expect(scientist).toContain("sagemaker:CreatePresignedNotebookInstanceUrl");
    expect(scientist).toContain("${aws_sagemaker_notebook_instance.notebook_instance.arn}");
  });

  it("is off in test by default", async () => {
    expect(count(await stackWith("test", {}), "aws_sagemaker_notebook_instance")).toBe(0);
  });

  it("has no lifecycle configuration in local, where moto hangs creating one", async () => {
    const json = await stackWith("local", { sagemaker: "true" });

    expect(count(json, "aws_sagemaker_notebook_instance")).toBe(1);
    expect(count(json, "aws_sagemaker_notebook_instance_lifecycle_configuration")).toBe(0);
  });
});

describe("alarms on the queues that hold failures", () => {
  it("alarm when the ingest failures or the orchestrator's dead letters are not empty", async () => {
    const json = await stackWith("test", {});
    const alarms = Object.values(json.resource["aws_cloudwatch_metric_alarm"] ?? {}).map((a) => [
      a["alarm_name"],
      (a["dimensions"] as Record<string, string>)["QueueName"],
    ]);

    expect(alarms).toEqual(
      expect.arrayContaining([
        ["event-lake-test-ingest-failures-not-empty", "event-lake-test-ingest-failures"],
        ["event-lake-test-orchestrator-dlq-not-empty", "event-lake-test-orchestrator-dlq"],
      ]),
    );
  });
});

describe("the warehouse's admin secret", () => {
  it("may be decrypted through Secrets Manager by whom IAM allows (make warehouse/schema)", async () => {
    const json = await stackWith("test", {});
    const statements = (json.data?.["aws_iam_policy_document"]?.["redshift_key-policy"]?.["statement"] ??
      []) as {
      sid?: string;
    }[];

    expect(statements.find((s) => s.sid === "AccountReadsAdminSecretThroughSecretsManager")).toMatchObject({
      principals: [
        { type: "AWS", identifiers: [expect.stringMatching(/^arn:\$\{data\.aws_partition\..*:root$/)] },
      ],
      actions: ["kms:Decrypt"],
      condition: [{ test: "StringEquals", variable: "kms:ViaService" }],
    });
  });
});
