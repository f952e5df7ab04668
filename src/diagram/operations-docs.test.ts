import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type StackJson, synthApp } from "../testing/synth.js";
import { references } from "./model.js";

/** docs/operations.md must name every alarm pattern and dead-letter queue the synthesized stacks have. */
const operations = readFileSync("docs/operations.md", "utf8");
let stacks: Record<string, StackJson>;
let prefixes: Record<string, string>;

beforeAll(async () => {
  const synth = await synthApp({ environments: ["test", "sandbox", "local"] });
  stacks = synth.stacks;
  prefixes = Object.fromEntries(Object.values(synth.config.environments).map((e) => [e.name, e.prefix]));
});

/** `event-lake-test-drop-to-raw-dlq-not-empty` with QueueName `…-drop-to-raw-dlq` -> `<prefix>-<queue>-dlq-not-empty`. */
function alarmPattern(alarm: Record<string, unknown>, prefix: string): string {
  let name = String(alarm["alarm_name"]);
  const dimensions = (alarm["dimensions"] ?? {}) as Record<string, string>;
  const placeholders: [string, string][] = [
    ["QueueName", "<queue>"],
    ["FunctionName", "<function>"],
    ["StateMachineArn", "<state-machine>"],
    ["TableName", "<table>"],
    ["CrawlerName", "<crawler>"],
  ];
  for (const [dimension, placeholder] of placeholders) {
    // A DLQ alarm's dimension is the DLQ (`<queue>-dlq`): the pattern names the consumer queue.
    const value = dimensions[dimension]?.replace(/-dlq$/, "");
    if (value && name.startsWith(value)) name = `${prefix}-${placeholder}${name.slice(value.length)}`;
  }
  return name.startsWith(`${prefix}-`) ? `<prefix>-${name.slice(prefix.length + 1)}` : name;
}

describe("docs/operations.md", () => {
  it("documents every alarm name pattern of the test, sandbox and local stacks", () => {
    const patterns = new Set<string>();
    for (const [name, stack] of Object.entries(stacks)) {
      const prefix = prefixes[name] ?? "";
      for (const alarm of Object.values(stack.resource["aws_cloudwatch_metric_alarm"] ?? {}))
        patterns.add(alarmPattern(alarm, prefix));
    }
    const undocumented = [...patterns].filter((p) => !operations.includes(`\`${p}\``));

    expect(patterns.size).toBeGreaterThan(0);
    expect(undocumented, `add these alarm patterns to docs/operations.md's alarm table`).toEqual([]);
  });

  it("lists every dead-letter queue of the test stack in the redrive table", () => {
    const stack = stacks["test"] as StackJson;
    const queues = stack.resource["aws_sqs_queue"] ?? {};
    const dlqIds = new Set(
      Object.entries(stack.resource)
        .flatMap(([, byName]) => Object.values(byName))
        .flatMap((body) =>
          references({
            redrive_policy: body["redrive_policy"],
            dead_letter_config:
              body["dead_letter_config"] ??
              (body["target"] as Record<string, unknown>)?.["dead_letter_config"],
          }),
        )
        .filter((a) => a.startsWith("aws_sqs_queue.")),
    );
    const names = [...dlqIds].map((id) =>
      String(queues[id.split(".")[1] ?? ""]?.["name"]).replace(`${prefixes["test"]}-`, "<prefix>-"),
    );

    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(names.filter((n) => !operations.includes(`| \`${n}\``))).toEqual([]);
  });

  it("gives the redrive command", () => {
    expect(operations).toContain("aws sqs start-message-move-task --source-arn");
  });

  it("derives alarm patterns from the queue the alarm watches", () => {
    expect(
      alarmPattern(
        {
          alarm_name: "event-lake-test-drop-to-raw-dlq-not-empty",
          dimensions: { QueueName: "event-lake-test-drop-to-raw-dlq" },
        },
        "event-lake-test",
      ),
    ).toBe("<prefix>-<queue>-dlq-not-empty");
    expect(
      alarmPattern({ alarm_name: "event-lake-test-ingest-errors", dimensions: {} }, "event-lake-test"),
    ).toBe("<prefix>-ingest-errors");
  });
});

describe("relative links in README.md and docs/*.md", () => {
  const pages = [
    "README.md",
    ...readdirSync("docs")
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  it.each(pages.sort())("resolve in %s", (file) => {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1] as string)
      .filter((t) => !/^[a-z]+:/.test(t));

    expect(targets.filter((t) => !existsSync(join(dirname(file), t)))).toEqual([]);
  });
});
