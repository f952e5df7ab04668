import type { PolicyUse, StackIndex } from "../../terraform/json.js";
import { compliant, nonCompliant, notApplicable, verdict } from "../engine.js";
import { wildcardResourceException } from "../iam-exceptions.js";
import type { Finding, Rule } from "../types.js";

/** `*`, or a whole service (`s3:*`). Partial wildcards (`s3:Get*`) are left to review. */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

function isWildcardResource(resource: string): boolean {
  return resource === "*" || resource === "arn:*";
}

function label(use: PolicyUse): string {
  const docs = use.document?.documents ?? [];
  return docs.length > 0 ? ` (${docs.join(", ")})` : "";
}

/** One finding per readable policy of the given kinds. */
function perPolicy(
  stack: StackIndex,
  kinds: readonly PolicyUse["kind"][],
  judge: (use: PolicyUse & { document: NonNullable<PolicyUse["document"]> }) => Finding,
): Finding[] {
  return stack.policyUses().map((use) => {
    if (!kinds.includes(use.kind)) return notApplicable(use.block, `${use.kind} policy`);
    if (!use.document)
      return notApplicable(use.block, `${use.attribute} cannot be read statically (see IAM.StaticPolicy)`);
    return judge({ ...use, document: use.document });
  });
}

const ADMINISTRATOR_ACCESS = /:iam::aws:policy\/AdministratorAccess$/;

export const iamRules: readonly Rule[] = [
  {
    id: "IAM.NoWildcardActions",
    level: "error",
    title: 'Allow statements name actions: no "*", no "service:*", no NotAction',
    explanation:
      'A wildcard action grants every future API of the service too. List the actions the code calls. Deny statements may use wildcards (a TLS-only deny must cover "s3:*"). Applies to identity, trust, key and resource policies.',
    mirrors: "CKV_AWS_63",
    seeAlso: ["AwsSolutions-IAM5"],
    check: (stack) =>
      perPolicy(stack, ["identity", "trust", "key", "resource"], (use) => {
        const bad = use.document.statements
          .filter((s) => s.effect === "Allow")
          .flatMap((s) => [
            ...s.actions.filter(isWildcardAction).map((a) => `${s.sid ?? "statement"} allows ${a}`),
            ...(s.notActions.length > 0
              ? [`${s.sid ?? "statement"} allows NotAction ${s.notActions.join(",")}`]
              : []),
          ]);
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: no wildcard actions${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
  {
    id: "IAM.NoWildcardResources",
    level: "error",
    title: 'Identity policies scope every Allow to resources, except actions AWS offers only on "*"',
    explanation:
      'Grant on the one bucket, key, queue or table ARN the code uses. "*" is accepted only for actions in WILDCARD_RESOURCE_EXCEPTIONS (src/policy/iam-exceptions.ts), each with its reason (e.g. xray:PutTraceSegments). Key policies are not applicable: there "*" means "this key". Resource policies are bound to their resource.',
    mirrors: "CKV_AWS_355",
    seeAlso: ["AwsSolutions-IAM5"],
    check: (stack) =>
      perPolicy(stack, ["identity"], (use) => {
        const bad: string[] = [];
        const excepted = new Set<string>();
        for (const s of use.document.statements.filter((st) => st.effect === "Allow")) {
          if (s.notResources.length > 0) bad.push(`${s.sid ?? "statement"} uses NotResource`);
          if (!s.resources.some(isWildcardResource)) continue;
          for (const action of s.actions)
            if (wildcardResourceException(action)) excepted.add(action);
            else bad.push(`${action} on "*"`);
        }
        const good =
          excepted.size > 0
            ? `"*" only for ${[...excepted].join(", ")} (no narrower resource exists)`
            : "every Allow names its resources";
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: ${good}${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
  {
    id: "IAM.NoAdminPolicy",
    level: "error",
    title: 'No identity policy allows "*" on "*"',
    explanation:
      "Full administrative rights in an inline or customer-managed policy defeat every other control here.",
    mirrors: "CKV_AWS_62",
    check: (stack) =>
      perPolicy(stack, ["identity"], (use) => {
        const admin = use.document.statements.some(
          (s) => s.effect === "Allow" && s.actions.includes("*") && s.resources.some(isWildcardResource),
        );
        return verdict(
          use.block,
          !admin,
          `${use.attribute}: not administrative`,
          `${use.attribute}${label(use)} allows "*" on "*"`,
        );
      }),
  },
  {
    id: "IAM.NoAdministratorAccess",
    level: "error",
    title: "No role, user or group has the AWS managed AdministratorAccess policy",
    explanation:
      "Pipeline roles need a handful of actions on named resources; AdministratorAccess gives them the account. Attach a policy built with DataAwsIamPolicyDocument instead.",
    mirrors: "CKV_AWS_274",
    check: (stack) => {
      const findings: Finding[] = [];
      const isAdmin = (arn: unknown) => {
        const target = stack.target(arn);
        const value = target
          ? (stack.literal(target.body["arn"]) ?? `:iam::aws:policy/${String(target.body["name"])}`)
          : stack.literal(arn);
        return ADMINISTRATOR_ACCESS.test(value ?? "");
      };
      for (const type of [
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
      ])
        for (const a of stack.resources(type))
          findings.push(
            verdict(
              a,
              !isAdmin(a.body["policy_arn"]),
              "not AdministratorAccess",
              "attaches AdministratorAccess",
            ),
          );
      for (const role of stack.resources("aws_iam_role")) {
        const arns = role.body["managed_policy_arns"];
        const admin = Array.isArray(arns) && arns.some(isAdmin);
        findings.push(
          verdict(
            role,
            !admin,
            "no AdministratorAccess in managed_policy_arns",
            "managed_policy_arns includes AdministratorAccess",
          ),
        );
      }
      return findings;
    },
  },
  {
    id: "IAM.RoleBoundary",
    level: "error",
    title: "Every role has a permissions boundary",
    explanation:
      "A boundary caps what a role can ever do, whatever policies are attached to it later; the lake's roles carry AWS's PowerUserAccess (no IAM), and CI may change a role's permissions only while it carries it (src/stacks/role-boundary.ts).",
    check: (stack) =>
      stack
        .resources("aws_iam_role")
        .map((role) =>
          verdict(
            role,
            typeof role.body["permissions_boundary"] === "string" && role.body["permissions_boundary"] !== "",
            `boundary ${String(role.body["permissions_boundary"])}`,
            "has no permissions_boundary",
          ),
        ),
  },
  {
    id: "IAM.StaticPolicy",
    level: "warning",
    title: "Policies can be read statically (built with DataAwsIamPolicyDocument or literal JSON)",
    explanation:
      "A policy written as jsonencode() of an HCL expression, or computed elsewhere, cannot be checked by the other IAM rules. Build it with DataAwsIamPolicyDocument (STYLE.md).",
    check: (stack) =>
      stack
        .policyUses()
        .map((use) =>
          use.document
            ? compliant(use.block, `${use.attribute} is readable${label(use)}`)
            : nonCompliant(use.block, `${use.attribute} cannot be read statically`),
        ),
  },
];
