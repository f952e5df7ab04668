import { describe, expect, it } from "vitest";
import { renderTable, usd } from "./format.js";

describe("renderTable", () => {
  it("renders Markdown with text columns left and figures right", () => {
    expect(renderTable(["service", "item", "monthly"], [["S3", "a|b", "$1.00"]], "markdown")).toBe(
      "| service | item | monthly |\n|---|---|---:|\n| S3 | a\\|b | $1.00 |",
    );
  });

  it("aligns text columns", () => {
    expect(renderTable(["s", "item", "usd"], [["S3", "x", "$1.00"]], "text")).toBe(
      "s   item    usd\n--  ----  -----\nS3  x     $1.00",
    );
  });
});

describe("usd", () => {
  it("shows cents, and four decimals below a cent", () => {
    expect(usd(5395.864)).toBe("$5,395.86");
    expect(usd(0.0018)).toBe("$0.0018");
    expect(usd(0)).toBe("$0.00");
  });
});
