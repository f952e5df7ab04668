import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { CREATED_BY, createdBy, creatorOf } from "./created-by.js";

function helper(): void {}
class Outer {}

describe("createdBy", () => {
  it("records the creator on the construct itself, not on its scope; the last record wins", () => {
    const stack = new TerraformStack(Testing.app(), "created-by");
    const queue = new SqsQueue(stack, "queue", { name: "q" });
    expect(creatorOf(queue)).toBeUndefined();
    createdBy(helper, queue);
    expect(creatorOf(queue)).toBe(helper);
    createdBy(Outer, queue);
    expect(creatorOf(queue)).toBe(Outer);
    expect(creatorOf(stack)).toBeUndefined();
  });

  it("changes nothing that is synthesized: address, logical id and attributes stay", () => {
    const synth = (record: boolean) => {
      const stack = new TerraformStack(Testing.app(), "created-by");
      const queue = new SqsQueue(stack, "queue", { name: "q" });
      if (record) createdBy(helper, queue);
      return Testing.synth(stack);
    };
    const recorded = synth(true);
    expect(recorded).toBe(synth(false));
    expect(recorded).not.toContain(CREATED_BY);
    expect(JSON.parse(recorded).resource.aws_sqs_queue).toEqual({ queue: { name: "q" } });
  });
});
