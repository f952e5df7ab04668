import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeS3Key, EventShapeError, normalizeEventTime, parseDropEvent } from "./event.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseDropEvent", () => {
  it("reads a bare S3 notification (SNS raw delivery), decoding the key", () => {
    // act
    const event = parseDropEvent(fixture("s3-event-raw.json"));

    // assess
    expect(event).toEqual({
      kind: "objects",
      objects: [
        {
          bucket: "event-lake-test-drop",
          key: "orders/ingest_date=2026-11-21/run 2026-11-21T10:00.csv",
          versionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
          eTag: "0123456789abcdef0123456789abcdef",
          size: 744,
          eventName: "ObjectCreated:Put",
          eventTime: "2026-11-21T10:15:30.123Z",
        },
      ],
    });
  });

  it("unwraps an SNS envelope to the same objects", () => {
    // act
    const wrapped = parseDropEvent(fixture("sns-envelope.json"));

    // assess
    expect(wrapped).toEqual(parseDropEvent(fixture("s3-event-raw.json")));
  });

  it("reads moto's shape: quote_plus key, no Z on the time, no version id", () => {
    // act
    const event = parseDropEvent(fixture("moto-s3-event.json"));

    // assess
    expect(event).toEqual({
      kind: "objects",
      objects: [
        {
          bucket: "event-lake-local-drop",
          key: "clickstream/batch 01+final.ndjson",
          versionId: undefined,
          eTag: "9b2cf535f27731c974343645a3985328",
          size: 1341,
          eventName: "ObjectCreated:Put",
          eventTime: "2026-11-21T10:15:30.123Z",
        },
      ],
    });
  });

  it.each([["s3-test-event.json"], ["sns-test-event.json"]])("recognises the S3 test event in %s", (name) => {
    // act / assess
    expect(parseDropEvent(fixture(name))).toEqual({ kind: "test", bucket: "event-lake-test-drop" });
  });

  it.each([
    ["not json", "the SQS message body is not JSON"],
    ['{"not":"an s3 event"}', "Records: missing or empty; not an S3 event notification"],
    ['{"Records":[]}', "Records: missing or empty; not an S3 event notification"],
    [
      '{"Type":"SubscriptionConfirmation","Message":"{}"}',
      'SNS envelope: Type "SubscriptionConfirmation" is not "Notification"',
    ],
    ['{"Type":"Notification","Message":42}', "SNS envelope.Message: 42 is not a string"],
    ['{"Type":"Notification","Message":"{oops"}', "SNS envelope: Message is not JSON"],
    ['{"Records":[{"eventSource":"aws:sqs"}]}', 'Records[0].eventSource: "aws:sqs" is not "aws:s3"'],
    ["[1]", "the S3 event is not a JSON object"],
  ])("rejects %s", (body, message) => {
    // act / assess
    expect(() => parseDropEvent(body)).toThrow(EventShapeError);
    expect(() => parseDropEvent(body)).toThrow(message);
  });

  it("rejects events other than ObjectCreated, and records without a key", () => {
    // act / assess
    expect(() => parseDropEvent(fixture("s3-event-removed.json"))).toThrow(
      'Records[0].eventName: "ObjectRemoved:Delete" is not an ObjectCreated event',
    );
    expect(() => parseDropEvent(fixture("s3-event-no-key.json"))).toThrow(
      "Records[0].s3.object.key: missing",
    );
  });

  it("names a bad field's type and a bad time", () => {
    // prepare
    const event = JSON.parse(fixture("s3-event-raw.json"));
    event.Records[0].s3.object.size = "744";
    const late = JSON.parse(fixture("s3-event-raw.json"));
    late.Records[0].eventTime = "yesterday";

    // act / assess
    expect(() => parseDropEvent(JSON.stringify(event))).toThrow(
      'Records[0].s3.object.size: "744" is not a whole number',
    );
    expect(() => parseDropEvent(JSON.stringify(late))).toThrow(
      'Records[0].eventTime: "yesterday" is not an ISO 8601 time',
    );
  });
});

describe("decodeS3Key", () => {
  it.each([
    ["orders%2Fingest_date%3D2026-11-21%2Frun.csv", "orders/ingest_date=2026-11-21/run.csv"],
    ["orders/my+file.csv", "orders/my file.csv"],
    ["orders/a%2Bb.csv", "orders/a+b.csv"],
    ["orders/caf%C3%A9.csv", "orders/café.csv"],
  ])("%s -> %s", (encoded, decoded) => {
    // act / assess
    expect(decodeS3Key(encoded)).toBe(decoded);
  });

  it("rejects a malformed escape", () => {
    // act / assess
    expect(() => decodeS3Key("orders/%E0%A4%A.csv")).toThrow(
      's3.object.key: "orders/%E0%A4%A.csv" is not a valid',
    );
  });
});

describe("normalizeEventTime", () => {
  it.each([
    ["2026-11-21T10:15:30.123Z", "2026-11-21T10:15:30.123Z"],
    ["2026-11-21T10:15:30.123456", "2026-11-21T10:15:30.123Z"],
    ["2026-11-21T12:15:30+02:00", "2026-11-21T10:15:30.000Z"],
  ])("%s -> %s", (input, output) => {
    // act / assess
    expect(normalizeEventTime(input, "eventTime")).toBe(output);
  });
});
