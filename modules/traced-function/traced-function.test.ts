import { readFileSync } from "node:fs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "../aws-context/index.js";
import { tracedFunctionExample } from "./example.js";
import { TRACED_FUNCTION_DEFAULTS, TracedFunction, type TracedFunctionProps } from "./index.js";

type Json = Record<string, Record<string, Record<string, unknown>>>;
type Statement = { sid?: string; actions?: string[]; resources?: string[]; condition?: unknown[] };
const ZIP = "/repo/dist/handlers/ingest.zip";

function synth(
  props: Partial<TracedFunctionProps> = {},
  wire?: (fn: TracedFunction, stack: TerraformStack) => void,
) {
  const stack = new TerraformStack(Testing.app(), "test");
  const context = new AwsContext(stack, "context");
  const fn = new TracedFunction(stack, "ingest", {
    functionName: "event-lake-test-ingest",
    context,
    code: { zipPath: ZIP },
    memorySize: 256,
    timeout: 60,
    ...props,
  });
  wire?.(fn, stack);
  const json = JSON.parse(Testing.synth(stack)) as { resource: Json; data: Json };
  const one = (kind: "resource" | "data", type: string, id: string): Record<string, unknown> => {
    const found = Object.entries(json[kind][type] ?? {}).filter(([key]) => key.startsWith(id));
    if (found.length !== 1) throw new Error(`expected one ${type} ${id}, found ${found.length}`);
    return found[0]?.[1] as Record<string, unknown>;
  };
  const all = (type: string) => Object.values(json.resource[type] ?? {});
  const statements = () =>
    one("data", "aws_iam_policy_document", "ingest_policy_document")["statement"] as Statement[];
  return { json, one, all, statements, fn };
}

describe("TracedFunction secure defaults", () => {
  const { one, statements } = synth();
  const fn = one("resource", "aws_lambda_function", "ingest_function");

  it("runs handler.handler on nodejs22.x x86_64 from the zip, with its hash", () => {
    expect(fn).toMatchObject({
      function_name: "event-lake-test-ingest",
      runtime: "nodejs22.x",
      handler: "handler.handler",
      architectures: ["x86_64"],
      filename: ZIP,
      source_code_hash: `\${filebase64sha256("${ZIP}")}`,
      memory_size: 256,
      timeout: 60,
    });
    expect(fn.role).toMatch(/^\$\{aws_iam_role\.ingest_role_[0-9A-F]+\.arn\}$/);
    expect(fn.reserved_concurrent_executions).toBeUndefined();
    expect(fn.layers).toBeUndefined();
  });

  it("traces actively and logs JSON into its own log group, kept 30 days", () => {
    expect(fn.tracing_config).toEqual({ mode: "Active" });
    expect(fn.logging_config).toEqual({
      log_format: "JSON",
      log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.ingest_log-group_[0-9A-F]+\.name\}$/),
      application_log_level: "INFO",
    });
    const group = one("resource", "aws_cloudwatch_log_group", "ingest_log-group");
    expect(group.name).toBe("/aws/lambda/event-lake-test-ingest");
    expect(group.retention_in_days).toBe(30);
    expect(TRACED_FUNCTION_DEFAULTS.logRetentionDays).toBe(30);
  });

  it("encrypts its log group with a rotating key of its own that CloudWatch Logs may use for that group only", () => {
    const group = one("resource", "aws_cloudwatch_log_group", "ingest_log-group");
    const key = one("resource", "aws_kms_key", "ingest_log-key");
    const [admin, logs] = one("data", "aws_iam_policy_document", "ingest_log-key-policy")[
      "statement"
    ] as Statement[];

    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.ingest_log-key_[0-9A-F]+\.arn\}$/);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(admin?.sid).toBe("KeyAdministrationByAccount");
    expect(logs).toEqual({
      sid: "CloudWatchLogsEncryptLogGroups",
      principals: [
        { type: "Service", identifiers: [expect.stringMatching(/^logs\.\$\{data\.aws_region\./)] },
      ],
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      resources: ["*"],
      condition: [
        {
          test: "ArnEquals",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [expect.stringMatching(/:logs:.*:log-group:\/aws\/lambda\/event-lake-test-ingest$/)],
        },
      ],
    });
  });

  it("sets Powertools and source-map settings in the environment", () => {
    expect(fn.environment).toEqual({
      variables: {
        POWERTOOLS_SERVICE_NAME: "event-lake-test-ingest",
        POWERTOOLS_METRICS_NAMESPACE: "EventLake",
        POWERTOOLS_LOG_LEVEL: "INFO",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
  });

  it("gives the role to Lambda only, named after the function", () => {
    expect(one("resource", "aws_iam_role", "ingest_role")["name"]).toBe("event-lake-test-ingest");
    expect(one("data", "aws_iam_policy_document", "ingest_assume-role-policy")["statement"]).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "Service",
            identifiers: ["lambda.${data.aws_partition.context_partition_B73F2326.dns_suffix}"],
          },
        ],
      },
    ]);
  });

  it("allows writing its own logs and traces, and nothing else", () => {
    expect(statements()).toEqual([
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.ingest_log-group_[0-9A-F]+\.arn\}:\*$/),
        ],
      },
      {
        sid: "WriteTraces",
        actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        resources: ["*"],
      },
    ]);
    expect(one("resource", "aws_iam_role_policy", "ingest_policy")["name"]).toBe("event-lake-test-ingest");
  });
});

describe("TracedFunction options", () => {
  it("takes the manifest's hash, layers and reserved concurrency", () => {
    // act
    const { one } = synth({ code: { zipPath: ZIP, sha256: "abc=" }, reservedConcurrency: 5 });
    const stack = new TerraformStack(Testing.app(), "layers");
    const layer = new LambdaLayerVersion(stack, "duckdb", { layerName: "duckdb", filename: "/l.zip" });
    const fn = new TracedFunction(stack, "fn", {
      functionName: "f",
      context: new AwsContext(stack, "context"),
      code: { zipPath: ZIP },
      memorySize: 1024,
      timeout: 120,
      layers: [layer],
    });
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Json };

    // assess
    const f = one("resource", "aws_lambda_function", "ingest_function");
    expect([f.source_code_hash, f.reserved_concurrent_executions]).toEqual(["abc=", 5]);
    expect(Object.values(synthesized.resource.aws_lambda_function ?? {})[0]?.layers).toEqual([
      "${aws_lambda_layer_version.duckdb.arn}",
    ]);
    expect(fn.timeout).toBe(120);
  });

  it("keeps the caller's environment values and appends to its NODE_OPTIONS", () => {
    // act
    const { one } = synth({
      environment: {
        DROP_BUCKET: "drop",
        POWERTOOLS_SERVICE_NAME: "ingest",
        NODE_OPTIONS: "--max-old-space-size=200",
      },
      logLevel: "DEBUG",
      logRetentionDays: 90,
    });

    // assess
    expect(one("resource", "aws_lambda_function", "ingest_function")["environment"]).toEqual({
      variables: {
        DROP_BUCKET: "drop",
        POWERTOOLS_SERVICE_NAME: "ingest",
        POWERTOOLS_METRICS_NAMESPACE: "EventLake",
        POWERTOOLS_LOG_LEVEL: "DEBUG",
        NODE_OPTIONS: "--max-old-space-size=200 --enable-source-maps",
      },
    });
    expect(one("resource", "aws_cloudwatch_log_group", "ingest_log-group")["retention_in_days"]).toBe(90);
  });

  it("consumes a queue with partial batch failures, capped concurrency and that queue's permissions only", () => {
    // act
    const { one, statements } = synth({}, (fn, stack) => {
      const queue = new SqsQueue(stack, "orders-queue", { name: "orders", visibilityTimeoutSeconds: 360 });
      fn.addSqsSource(queue, { batchSize: 5, maxConcurrency: 3 });
    });

    // assess
    expect(
      one("resource", "aws_lambda_event_source_mapping", "ingest_sqs-source-orders-queue"),
    ).toMatchObject({
      function_name: expect.stringMatching(/^\$\{aws_lambda_function\.ingest_function_[0-9A-F]+\.arn\}$/),
      event_source_arn: "${aws_sqs_queue.orders-queue.arn}",
      batch_size: 5,
      enabled: true,
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: 3 },
    });
    expect(statements()[2]).toEqual({
      sid: "Consumeordersqueue",
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
      ],
      resources: ["${aws_sqs_queue.orders-queue.arn}"],
    });
  });

  it("defaults a queue source to 10 messages, concurrency 2, enabled", () => {
    // act
    const { one } = synth({}, (fn, stack) => {
      fn.addSqsSource(new SqsQueue(stack, "q", { visibilityTimeoutSeconds: 360 }), { enabled: false });
      fn.addSqsSource(new SqsQueue(stack, "r", { visibilityTimeoutSeconds: 360 }));
    });

    // assess
    expect(one("resource", "aws_lambda_event_source_mapping", "ingest_sqs-source-q")).toMatchObject({
      batch_size: 10,
      enabled: false,
      scaling_config: { maximum_concurrency: 2 },
    });
    expect(one("resource", "aws_lambda_event_source_mapping", "ingest_sqs-source-r")["enabled"]).toBe(true);
  });

  it("refuses a queue whose visibility timeout is under 6x the function timeout (AWS's 30 s when unset)", () => {
    // act / assess
    expect(() =>
      synth({}, (fn, stack) =>
        fn.addSqsSource(new SqsQueue(stack, "short", { visibilityTimeoutSeconds: 359 })),
      ),
    ).toThrow(
      "TracedFunction ingest.addSqsSource: queue short: visibilityTimeoutSeconds 359 is under 6x the function timeout (360)",
    );
    expect(() =>
      synth({}, (fn, stack) =>
        fn.addSqsSource(new SqsQueue(stack, "unset"), { batchSize: 11, maxConcurrency: 1 }),
      ),
    ).toThrow(
      "TracedFunction ingest.addSqsSource: batchSize must be 1-10, got 11; maxConcurrency must be 2-1000, got 1; " +
        "queue unset: visibilityTimeoutSeconds 30 is under 6x the function timeout (360)",
    );
  });

  it("sends failed async invocations to a queue, with send permission on it and its key through SQS", () => {
    // act
    const { statements } = synth();
    const stack = new TerraformStack(Testing.app(), "dest");
    const queue = new SqsQueue(stack, "failures", { name: "failures" });
    const key = new KmsKey(stack, "key", {});
    new TracedFunction(stack, "fn", {
      functionName: "f",
      context: new AwsContext(stack, "context"),
      code: { zipPath: ZIP },
      memorySize: 128,
      timeout: 10,
      onFailure: { queue, key },
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Json; data: Json };
    const policy = Object.entries(json.data.aws_iam_policy_document ?? {}).find(([k]) =>
      k.startsWith("fn_policy"),
    )?.[1];

    // assess
    expect(statements()).toHaveLength(2);
    expect(Object.values(json.resource.aws_lambda_function_event_invoke_config ?? {})[0]).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21_600,
      destination_config: { on_failure: { destination: "${aws_sqs_queue.failures.arn}" } },
    });
    expect(((policy?.statement ?? []) as Statement[]).slice(2)).toEqual([
      { sid: "SendFailedEvents", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.failures.arn}"] },
      {
        sid: "KeysqsOnFailure",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["${aws_kms_key.key.arn}"],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: [
              expect.stringMatching(
                /^sqs\.\$\{data\.aws_region\.context_region_[0-9A-F]+\.name\}\.\$\{data\.aws_partition\.context_partition_[0-9A-F]+\.dns_suffix\}$/,
              ),
            ],
          },
        ],
      },
    ]);
  });

  it("publishes failed async invocations to a topic with sns:Publish on it", () => {
    // act
    const { statements } = synth();
    const stack = new TerraformStack(Testing.app(), "topic");
    const topic = new SnsTopic(stack, "alarms", { name: "alarms" });
    new TracedFunction(stack, "fn", {
      functionName: "f",
      context: new AwsContext(stack, "context"),
      code: { zipPath: ZIP },
      memorySize: 128,
      timeout: 10,
      onFailure: { topic, maximumRetryAttempts: 0, maximumEventAgeSeconds: 600 },
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Json; data: Json };
    const policy = Object.entries(json.data.aws_iam_policy_document ?? {}).find(([k]) =>
      k.startsWith("fn_policy"),
    )?.[1];

    // assess
    expect(statements()).toHaveLength(2);
    expect(Object.values(json.resource.aws_lambda_function_event_invoke_config ?? {})[0]).toMatchObject({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 600,
      destination_config: { on_failure: { destination: "${aws_sns_topic.alarms.arn}" } },
    });
    expect(((policy?.statement ?? []) as Statement[])[2]).toEqual({
      sid: "PublishFailedEvents",
      actions: ["sns:Publish"],
      resources: ["${aws_sns_topic.alarms.arn}"],
    });
  });
});

describe("TracedFunction storage", () => {
  it("keeps Lambda's 512 MB /tmp by default and sizes it when asked", () => {
    const fn = (props: Partial<TracedFunctionProps>) =>
      Object.values(synth(props).json.resource.aws_lambda_function ?? {})[0] as Record<string, unknown>;
    expect(fn({})["ephemeral_storage"]).toBeUndefined();
    expect(fn({ ephemeralStorageMb: 4096 })["ephemeral_storage"]).toEqual({ size: 4096 });
  });
});

describe("TracedFunction in a VPC", () => {
  function inVpc(subnetCount: number, groupCount: number) {
    const stack = new TerraformStack(Testing.app(), "test");
    const subnets = Array.from(
      { length: subnetCount },
      (_, i) => new Subnet(stack, `subnet-${i}`, { vpcId: "vpc-1", cidrBlock: `10.0.${i}.0/24` }),
    );
    const securityGroups = Array.from(
      { length: groupCount },
      (_, i) => new SecurityGroup(stack, `sg-${i}`, { vpcId: "vpc-1" }),
    );
    new TracedFunction(stack, "ingest", {
      functionName: "event-lake-test-ingest",
      context: new AwsContext(stack, "context"),
      code: { zipPath: ZIP },
      memorySize: 256,
      timeout: 60,
      vpc: { subnets, securityGroups },
    });
    return JSON.parse(Testing.synth(stack)) as { resource: Json; data: Json };
  }

  it("is not in a VPC by default", () => {
    const fn = Object.values(synth().json.resource.aws_lambda_function ?? {})[0] as Record<string, unknown>;
    expect(fn["vpc_config"]).toBeUndefined();
  });

  it("runs in the given subnets behind the given security groups, with scoped ENI permissions", () => {
    // act
    const json = inVpc(2, 1);

    // assess
    const fn = Object.values(json.resource["aws_lambda_function"] ?? {})[0] as Record<string, unknown>;
    expect(fn["vpc_config"]).toEqual({
      subnet_ids: ["${aws_subnet.subnet-0.id}", "${aws_subnet.subnet-1.id}"],
      security_group_ids: ["${aws_security_group.sg-0.id}"],
    });
    const doc = Object.entries(json.data["aws_iam_policy_document"] ?? {}).find(([k]) =>
      k.startsWith("ingest_policy_document"),
    )?.[1] as { statement: Statement[] };
    expect(doc.statement.slice(2)).toEqual([
      {
        sid: "CreateNetworkInterfaces",
        actions: ["ec2:CreateNetworkInterface"],
        resources: [
          expect.stringMatching(/:network-interface\/\*$/),
          "${aws_subnet.subnet-0.arn}",
          "${aws_subnet.subnet-1.arn}",
          "${aws_security_group.sg-0.arn}",
        ],
      },
      {
        sid: "ManageNetworkInterfaces",
        actions: [
          "ec2:AssignPrivateIpAddresses",
          "ec2:DeleteNetworkInterface",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: [expect.stringMatching(/:ec2:.*:network-interface\/\*$/)],
        condition: [
          {
            test: "ArnEquals",
            variable: "ec2:Subnet",
            values: ["${aws_subnet.subnet-0.arn}", "${aws_subnet.subnet-1.arn}"],
          },
        ],
      },
      { sid: "DescribeNetworkInterfaces", actions: ["ec2:DescribeNetworkInterfaces"], resources: ["*"] },
    ]);
  });

  it("refuses a VPC placement without subnets or with too many security groups", () => {
    expect(() => inVpc(0, 6)).toThrow(
      "TracedFunction event-lake-test-ingest: vpc.subnets must name at least one subnet; " +
        "vpc.securityGroups must hold 1-5 security groups, got 6",
    );
  });
});

describe("TracedFunction invalid props", () => {
  it("names every invalid prop in one error", () => {
    // act / assess
    expect(() =>
      synth({
        functionName: "bad name",
        memorySize: 64,
        timeout: 901,
        reservedConcurrency: -1,
        ephemeralStorageMb: 100,
        logRetentionDays: 31,
        code: { zipPath: "/x/handler.mjs" },
        environment: { AWS_REGION: "eu-west-1", _HANDLER: "x" },
        onFailure: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 30 },
      }),
    ).toThrow(
      'TracedFunction bad name: functionName "bad name" must be 1-64 letters, digits, "-" or "_"; ' +
        "memorySize must be a whole number 128-10240, got 64; timeout must be a whole number 1-900, got 901; " +
        "reservedConcurrency must be a whole number 0-1000, got -1; " +
        "ephemeralStorageMb must be a whole number 512-10240, got 100; " +
        "logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 31; " +
        'code.zipPath "/x/handler.mjs" is not a .zip; environment sets keys Lambda reserves: AWS_REGION, _HANDLER; ' +
        "onFailure needs exactly one of queue or topic; onFailure.maximumRetryAttempts must be a whole number 0-2, got 3; " +
        "onFailure.maximumEventAgeSeconds must be a whole number 60-21600, got 30",
    );
  });
});

describe("TracedFunction IAM", () => {
  it("never grants a wildcard action, and '*' resources only for X-Ray", () => {
    // prepare
    const { statements } = synth({}, (fn, stack) =>
      fn.addSqsSource(new SqsQueue(stack, "q", { visibilityTimeoutSeconds: 360 }), {
        key: new KmsKey(stack, "k", {}),
      }),
    );

    // act
    const all = statements();

    // assess
    expect(all.flatMap((s) => s.actions ?? []).filter((a) => a.includes("*"))).toEqual([]);
    expect(all.filter((s) => s.resources?.includes("*")).map((s) => s.sid)).toEqual(["WriteTraces"]);
  });
});

describe("TracedFunction README", () => {
  it("shows example.ts verbatim, and the example synthesizes", () => {
    // prepare
    const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("./example.ts", import.meta.url), "utf8");
    const stack = new TerraformStack(Testing.app(), "example");

    // act
    const fn = tracedFunctionExample(stack);
    const json = JSON.parse(Testing.synth(stack)) as { resource: Json };

    // assess
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(fn.timeout).toBe(60);
    expect(Object.keys(json.resource.aws_lambda_event_source_mapping ?? {})).toEqual([
      "ingest_sqs-source-work_7AC2B806",
    ]);
  });
});

describe("TracedFunction logKey", () => {
  it("uses the caller's key for its log group and builds none of its own", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const context = new AwsContext(stack, "context");
    const shared = new KmsKey(stack, "logs-key", { enableKeyRotation: true });
    new TracedFunction(stack, "ingest", {
      functionName: "event-lake-test-ingest",
      context,
      code: { zipPath: ZIP },
      memorySize: 256,
      timeout: 60,
      logKey: shared,
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Json };

    expect(Object.keys(json.resource["aws_kms_key"] ?? {})).toEqual(["logs-key"]);
    expect(Object.values(json.resource["aws_cloudwatch_log_group"] ?? {})[0]?.["kms_key_id"]).toBe(
      "${aws_kms_key.logs-key.arn}",
    );
  });
});

describe("TracedFunction addresses", () => {
  it("keeps its Terraform addresses: renaming a construct id would replace the function and its log group", () => {
    // act
    const { json } = synth();

    // assess
    expect(
      Object.fromEntries(Object.entries(json.resource).map(([type, byId]) => [type, Object.keys(byId)])),
    ).toEqual({
      aws_cloudwatch_log_group: ["ingest_log-group_E3FD1357"],
      aws_iam_role: ["ingest_role_AE5F9FE2"],
      aws_iam_role_policy: ["ingest_policy_06A1F88B"],
      aws_kms_key: ["ingest_log-key_0C1E25EF"],
      aws_lambda_function: ["ingest_function_76819752"],
    });
  });
});
