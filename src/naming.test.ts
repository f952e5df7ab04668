import { describe, expect, it } from "vitest";
import { bucketName, physicalName } from "./naming.js";

describe("physicalName", () => {
  it("joins prefix and parts, lower-cased and hyphenated", () => {
    expect(physicalName("event-lake-test", ["Drop", "to_raw"])).toBe("event-lake-test-drop-to-raw");
  });

  it("caps a long name with a hash of the whole name, so two long names never collide", () => {
    const a = physicalName("event-lake-sandbox", ["a-very-long-consumer-name-for-the-catalog", "dlq"], 40);
    const b = physicalName("event-lake-sandbox", ["a-very-long-consumer-name-for-the-catalog", "dl2"], 40);

    expect(a).toHaveLength(40);
    expect(a).toMatch(/^event-lake-sandbox-a-very-long-co-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });

  it("gives bucket names the account id and keeps them within 63 characters", () => {
    expect(bucketName("event-lake-test", "drop", "111111111111")).toBe("event-lake-test-drop-111111111111");
    expect(
      bucketName("event-lake-sandbox", "athena-query-results-for-analysts", "222222222222").length,
    ).toBeLessThanOrEqual(63);
  });
});
