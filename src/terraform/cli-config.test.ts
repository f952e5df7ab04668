import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseMirror, mirroredProviders, renderCliConfig } from "./cli-config.js";

function fakeMirror(...providers: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "mirror-"));
  for (const p of providers) mkdirSync(join(root, p, "5.100.0", "linux_amd64"), { recursive: true });
  return root;
}

describe("provider mirror", () => {
  it("lists the providers a mirror root holds", () => {
    const root = fakeMirror("registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random");
    expect(mirroredProviders(root)).toEqual([
      "registry.terraform.io/hashicorp/aws",
      "registry.terraform.io/hashicorp/random",
    ]);
  });

  it("uses the mirror TF_PROVIDER_MIRROR names, ahead of any it could find", () => {
    const named = fakeMirror("registry.terraform.io/hashicorp/aws");
    const found = fakeMirror("registry.terraform.io/hashicorp/aws");
    expect(chooseMirror({ TF_PROVIDER_MIRROR: named }, [found]).root).toBe(named);
  });

  it("finds a mirror in the usual places when none is named, skipping empty ones", () => {
    const empty = mkdtempSync(join(tmpdir(), "empty-"));
    const found = fakeMirror("registry.terraform.io/hashicorp/aws");
    expect(chooseMirror({}, [join(empty, "nothing"), empty, found])).toEqual({
      root: found,
      providers: ["registry.terraform.io/hashicorp/aws"],
      reason: `found at ${found}`,
    });
  });

  it("downloads as usual when there is no mirror, or when TF_PROVIDER_MIRROR=none", () => {
    const found = fakeMirror("registry.terraform.io/hashicorp/aws");
    expect(chooseMirror({}, []).root).toBeUndefined();
    expect(chooseMirror({ TF_PROVIDER_MIRROR: "none" }, [found]).root).toBeUndefined();
    expect(renderCliConfig(chooseMirror({}, []))).not.toContain("provider_installation");
  });

  it("fails clearly when the named mirror holds no provider", () => {
    const empty = mkdtempSync(join(tmpdir(), "empty-"));
    expect(() => chooseMirror({ TF_PROVIDER_MIRROR: empty }, [])).toThrow(
      `TF_PROVIDER_MIRROR=${empty}: no providers there. A mirror root holds registry.terraform.io/<namespace>/<type>/<version>/<os_arch>/.`,
    );
  });

  it("installs mirrored providers only from the mirror, never directly", () => {
    const root = fakeMirror("registry.terraform.io/hashicorp/aws");
    const config = renderCliConfig(chooseMirror({ TF_PROVIDER_MIRROR: root }, []));
    expect(config.split("\n").slice(2)).toEqual([
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = "${root}"`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/aws"]',
      "  }",
      "}",
      "",
    ]);
  });
});
