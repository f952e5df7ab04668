import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DIAGRAM_COMMAND, DIAGRAM_FILE, renderStack } from "./diagram.js";
import { buildModel, references } from "./model.js";
import { renderSvg, toDot } from "./render.js";

const at = (path: string) => ({ "//": { metadata: { path: `test/${path}` } } });

/** The smallest lake: one zone's bucket, its topic and queue with a DLQ, and the function polling it. */
const tiny = {
  resource: {
    aws_s3_bucket: { b: { ...at("zone-drop/bucket"), bucket: "event-lake-test-drop-111111111111" } },
    aws_sns_topic: { t: { ...at("events-drop/topic"), name: "event-lake-test-drop-events" } },
    aws_sqs_queue: {
      q: {
        ...at("events-drop/c/queue"),
        name: "event-lake-test-c",
        redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.d.arn}","maxReceiveCount":5}',
      },
      d: { ...at("events-drop/c/dlq"), name: "event-lake-test-c-dlq" },
    },
    aws_lambda_function: {
      f: {
        ...at("c/function"),
        function_name: "event-lake-test-c",
        role: "${aws_iam_role.r.arn}",
        environment: { variables: { OUT: "${aws_s3_bucket.b.bucket}" } },
      },
    },
    aws_s3_bucket_notification: {
      n: { bucket: "${aws_s3_bucket.b.id}", topic: [{ topic_arn: "${aws_sns_topic.t.arn}" }] },
    },
    aws_sns_topic_subscription: {
      s: { topic_arn: "${aws_sns_topic.t.arn}", endpoint: "${aws_sqs_queue.q.arn}" },
    },
    aws_lambda_event_source_mapping: {
      m: { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.f.arn}" },
    },
    aws_iam_role: { r: { name: "event-lake-test-c" } },
  },
};

describe("buildModel", () => {
  it("draws the event flow bucket -> topic -> queue -> function, the DLQ dashed, grouped by zone", () => {
    const model = buildModel(tiny, "event-lake-test");

    expect(model.nodes.map((n) => [n.id, n.label, n.kind, n.group])).toEqual([
      ["aws_lambda_function.f", "c", "Lambda", "processing"],
      ["aws_s3_bucket.b", "drop", "S3 bucket", "drop zone"],
      ["aws_sns_topic.t", "drop-events", "SNS topic", "drop zone"],
      ["aws_sqs_queue.d", "c-dlq", "dead-letter queue", "drop zone"],
      ["aws_sqs_queue.q", "c", "SQS queue", "drop zone"],
    ]);
    expect(model.edges).toEqual([
      { from: "aws_lambda_function.f", to: "aws_s3_bucket.b", label: "uses", dashed: true },
      { from: "aws_s3_bucket.b", to: "aws_sns_topic.t", label: "object created", dashed: false },
      { from: "aws_sns_topic.t", to: "aws_sqs_queue.q", label: "subscription", dashed: false },
      { from: "aws_sqs_queue.q", to: "aws_lambda_function.f", label: "polls", dashed: false },
      { from: "aws_sqs_queue.q", to: "aws_sqs_queue.d", label: "dead letters", dashed: true },
    ]);
  });

  it("finds every resource referenced in an expression, including inside jsonencode, but no data sources", () => {
    expect(
      references({
        a: '${jsonencode({"x" = aws_glue_crawler.c_1.name, "y" = aws_glue_crawler.c-2_AB.name})}',
        b: "${data.aws_caller_identity.me.account_id}",
        role: "${aws_iam_role.r.arn}",
        c: ["${aws_sqs_queue.q[0].arn}", "arn:aws:states:::athena:startQueryExecution.sync"],
      }),
    ).toEqual(["aws_glue_crawler.c_1", "aws_glue_crawler.c-2_AB", "aws_sqs_queue.q"]);
  });
});

describe("toDot and renderSvg", () => {
  it("render the same model to the same SVG every time", async () => {
    const dot = toDot(buildModel(tiny, "event-lake-test"), "tiny");

    expect(dot).toContain('"aws_s3_bucket.b" [label="drop\\nS3 bucket", shape=cylinder];');
    expect(dot).toContain(
      '"aws_sqs_queue.d" [label="c-dlq\\ndead-letter queue", shape=box3d, style="filled,dashed"];',
    );
    expect(await renderSvg(dot)).toBe(await renderSvg(dot));
    expect(await renderSvg(dot)).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\n$/);
  });
});

describe(DIAGRAM_FILE, () => {
  let rendered: { svg: string; dot: string };
  beforeAll(async () => {
    rendered = await renderStack("test");
  }, 60_000);

  it("shows the drop zone's path into the converter and the crawlers of the real test stack", () => {
    for (const edge of [
      /"aws_s3_bucket\.zone-drop_bucket_\w+" -> "aws_sns_topic\.events-drop_topic_\w+" \[label="object created"\]/,
      /"aws_sns_topic\.events-drop_topic_\w+" -> "aws_sqs_queue\.events-drop_drop-to-raw_queue_\w+" \[label="subscription"\]/,
      /"aws_sqs_queue\.events-drop_drop-to-raw_queue_\w+" -> "aws_lambda_function\.drop-to-raw_function_\w+" \[label="polls"\]/,
    ])
      expect(rendered.dot).toMatch(edge);
  });

  it("is up to date with the synthesized test stack", () => {
    const committed = readFileSync(DIAGRAM_FILE, "utf8");

    expect(
      committed === rendered.svg,
      `${DIAGRAM_FILE} is stale: the stack changed. Run \`${DIAGRAM_COMMAND}\` (make diagram) and commit ${DIAGRAM_FILE}.`,
    ).toBe(true);
  });
});
