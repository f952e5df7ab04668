import { ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { versionsOf } from "./supersede.js";

const s3 = mockClient(S3Client);
const at = (day: number) => new Date(Date.UTC(2026, 11, day));

beforeEach(() => s3.reset());

describe("versionsOf", () => {
  it("pages through a key's versions, newest first, without other keys or delete markers", async () => {
    // prepare: page 1 ends inside the key's versions; page 2 runs on into a longer key
    s3.on(ListObjectVersionsCommand, { Bucket: "drop", Prefix: "o/a.csv", KeyMarker: undefined }).resolves({
      IsTruncated: true,
      NextKeyMarker: "o/a.csv",
      NextVersionIdMarker: "v2",
      DeleteMarkers: [{ Key: "o/a.csv", VersionId: "d1", IsLatest: false, LastModified: at(4) }],
      Versions: [
        { Key: "o/a.csv", VersionId: "v3", IsLatest: true, LastModified: at(3) },
        { Key: "o/a.csv", VersionId: "v2", IsLatest: false, LastModified: at(2) },
      ],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: "drop", Prefix: "o/a.csv", KeyMarker: "o/a.csv" }).resolves({
      IsTruncated: true,
      NextKeyMarker: "o/a.csv.bak",
      NextVersionIdMarker: "b1",
      Versions: [
        { Key: "o/a.csv", VersionId: "v1", IsLatest: false, LastModified: at(1) },
        { Key: "o/a.csv.bak", VersionId: "b1", IsLatest: true, LastModified: at(5) },
      ],
    });

    // act
    const versions = await versionsOf(new S3Client({}), "drop", "o/a.csv");

    // assess: the longer key's page was not asked for
    expect(versions).toEqual([
      { versionId: "v3", lastModified: at(3) },
      { versionId: "v2", lastModified: at(2) },
      { versionId: "v1", lastModified: at(1) },
    ]);
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(2);
  });

  it("puts the current version first whatever order the listing has", async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: "k", VersionId: "old", IsLatest: false, LastModified: at(1) },
        { Key: "k", VersionId: "new", IsLatest: true, LastModified: at(2) },
      ],
    });

    expect((await versionsOf(new S3Client({}), "drop", "k")).map((v) => v.versionId)).toEqual(["new", "old"]);
  });

  it("returns nothing for a key with no versions left", async () => {
    s3.on(ListObjectVersionsCommand).resolves({});

    expect(await versionsOf(new S3Client({}), "drop", "gone")).toEqual([]);
  });
});
