import type { PolicyUse, StackIndex, Statement } from "../../terraform/json.js";
import { notApplicable, verdict } from "../engine.js";
import { wildcardResourceException } from "../iam-exceptions.js";
import type { Finding, Rule } from "../types.js";

/**
 * Rules that read who a policy admits and what it lets them change: trust policies, key policies and every policy
 * document, resolved through their `data.aws_iam_policy_document` references (which a scanner of the JSON alone
 * sees as an opaque string, and so passes).
 */

/** An account as a principal: `arn:<partition>:iam::<account>:root` (literal or interpolated) or a bare account id. */
export function isAccountRoot(identifier: string): boolean {
  return /^\d{12}$/.test(identifier) || /^arn:[^:]*:iam::[^:]*:root$/.test(identifier);
}

const isWildcardPrincipal = (identifier: string) => identifier === "*";

/**
 * Condition keys that narrow an account-wide principal to some of its identities: the caller's ARN, its tags, an
 * external id handed to one party, its user id. Conditions on anything else (source IP, MFA) still admit everyone.
 */
const NARROWING_KEYS = [/^aws:principalarn$/i, /^aws:principaltag\//i, /^sts:externalid$/i, /^aws:userid$/i];
const narrows = (s: Statement) =>
  s.conditions.some((c) => NARROWING_KEYS.some((k) => k.test(c.variable)) && c.values.length > 0);

/** `token.actions.githubusercontent.com:sub`, `oidc.eks…:sub`, `cognito-identity.amazonaws.com:sub`. */
const isSubjectKey = (variable: string) => /:sub$/i.test(variable);

/** A subject value that admits more than one named subject: a wildcard anywhere in it. */
const isWildcardSubject = (value: string) => /[*?]/.test(value);

/**
 * Reading actions by their verb. An action that is not one of these changes something, and on `"*"` changes it
 * everywhere in the account.
 */
const READ_VERBS = /^[a-z0-9-]+:(Get|List|Describe|BatchGet|Head|Query|Scan|Search|Select|Lookup|View)/i;
export const isReadAction = (action: string) => READ_VERBS.test(action);

const isWildcardResource = (resource: string) => resource === "*" || resource === "arn:*";

function label(use: PolicyUse): string {
  const docs = use.document?.documents ?? [];
  return docs.length > 0 ? ` (${docs.join(", ")})` : "";
}

function perPolicy(
  stack: StackIndex,
  kinds: readonly PolicyUse["kind"][],
  judge: (use: PolicyUse, statements: readonly Statement[]) => Finding,
): Finding[] {
  return stack
    .policyUses()
    .filter((use) => kinds.includes(use.kind))
    .map((use) =>
      use.document
        ? judge(use, use.document.statements)
        : notApplicable(use.block, `${use.attribute} cannot be read statically (see IAM.StaticPolicy)`),
    );
}

const sid = (s: Statement) => s.sid ?? "statement";

export const principalRules: readonly Rule[] = [
  {
    id: "IAM.TrustNoBareAccountRoot",
    level: "error",
    title: "Trust policies admit an account only with a condition naming who in it may assume the role",
    explanation:
      'A trust policy whose principal is an account root (or "*") with no condition lets every user and role of that account that has sts:AssumeRole on "*" assume this role. Name the roles (principals from config), or keep the root and add aws:PrincipalArn, aws:PrincipalTag/<key> or sts:ExternalId.',
    mirrors: "CKV_AWS_61",
    seeAlso: ["CKV_AWS_60"],
    check: (stack) =>
      perPolicy(stack, ["trust"], (use, statements) => {
        const bad = statements
          .filter((s) => s.effect === "Allow")
          .flatMap((s) =>
            s.principals
              .filter((p) => p.type === "AWS" || p.type === "*")
              .flatMap((p) => p.identifiers)
              .filter((id) => (isAccountRoot(id) || isWildcardPrincipal(id)) && !narrows(s))
              .map(
                (id) =>
                  `${sid(s)} admits ${id} with no aws:PrincipalArn, PrincipalTag or ExternalId condition`,
              ),
          );
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: every account principal is narrowed${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
  {
    id: "IAM.TrustOidcSubject",
    level: "error",
    title: "Web-identity trust names the exact OIDC subjects (sub), with no wildcard",
    explanation:
      "A role trusted through an OIDC provider (GitHub Actions, EKS, Cognito) with no sub condition, or a sub with a wildcard, can be assumed by any workflow, repository or service account the provider issues tokens for. List each subject exactly, e.g. repo:<owner>/<repo>:environment:<env>.",
    mirrors: "CKV_AWS_358",
    check: (stack) =>
      perPolicy(stack, ["trust"], (use, statements) => {
        const federated = statements.filter(
          (s) => s.effect === "Allow" && s.principals.some((p) => p.type === "Federated"),
        );
        if (federated.length === 0) return notApplicable(use.block, "no federated principal");
        const bad = federated.flatMap((s) => {
          const subjects = s.conditions.filter((c) => isSubjectKey(c.variable));
          if (subjects.length === 0) return [`${sid(s)} has no sub condition`];
          return subjects.flatMap((c) =>
            c.values.filter(isWildcardSubject).map((v) => `${sid(s)} admits sub ${v} (${c.test})`),
          );
        });
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: every federated statement names its subjects${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
  {
    id: "IAM.NoWriteOnWildcardResources",
    level: "error",
    title: 'No policy document allows an action that changes something on "*" without a condition',
    explanation:
      'Covers identity and resource policies alike: an Allow of a non-read action (not Get/List/Describe/…) on "*" changes whatever the account holds. Scope it to ARNs, or add a condition that scopes it (ec2:Subnet, cloudwatch:namespace, …). Actions AWS accepts only on "*" (WILDCARD_RESOURCE_EXCEPTIONS) pass with their reason. Key policies are not applicable: there "*" means "this key".',
    mirrors: "CKV_AWS_290",
    seeAlso: ["CKV_AWS_289", "AwsSolutions-IAM5"],
    check: (stack) =>
      perPolicy(stack, ["identity", "resource"], (use, statements) => {
        const bad = statements
          .filter(
            (s) => s.effect === "Allow" && s.resources.some(isWildcardResource) && s.conditions.length === 0,
          )
          .flatMap((s) =>
            s.actions
              .filter((a) => !isReadAction(a) && !wildcardResourceException(a))
              .map((a) => `${sid(s)} allows ${a} on "*"`),
          );
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: no unconditioned write on "*"${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
  {
    id: "KMS.KeyPolicyPrincipals",
    level: "error",
    title:
      "Key policies admit no wildcard principal, and the account root only to administer or through a service",
    explanation:
      'A key policy is the key\'s only gate. "*" as principal opens it to every AWS account; the account root with use actions (Decrypt, GenerateDataKey, …) and no condition hands every identity policy in the account the key. Give the root the administration actions (keyAdminStatement), grant use to named roles or services, or condition the root on kms:ViaService / kms:CallerAccount.',
    mirrors: "CKV_AWS_33",
    check: (stack) =>
      perPolicy(stack, ["key"], (use, statements) => {
        const bad = statements
          .filter((s) => s.effect === "Allow")
          .flatMap((s) => {
            const ids = s.principals
              .filter((p) => p.type === "AWS" || p.type === "*")
              .flatMap((p) => p.identifiers);
            const problems: string[] = [];
            if (ids.some(isWildcardPrincipal) && s.conditions.length === 0)
              problems.push(`${sid(s)} admits "*" with no condition`);
            const use = s.actions.filter((a) => keyUseCovered(a).length > 0);
            if (ids.some(isAccountRoot) && use.length > 0 && s.conditions.length === 0)
              problems.push(`${sid(s)} lets the account root ${use.join(", ")} with no condition`);
            return problems;
          });
        return verdict(
          use.block,
          bad.length === 0,
          `${use.attribute}: principals named or conditioned${label(use)}`,
          `${use.attribute}${label(use)}: ${bad.join("; ")}`,
        );
      }),
  },
];

/** What using a key means: the cryptographic operations (administration is the rest). */
const KEY_USE_ACTIONS = [
  "kms:Decrypt",
  "kms:DeriveSharedSecret",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateMac",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:Sign",
  "kms:Verify",
  "kms:VerifyMac",
];

/** The key-use actions an action pattern covers (`kms:*`, `kms:GenerateDataKey*`, `*`, or one name). */
function keyUseCovered(pattern: string): string[] {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return KEY_USE_ACTIONS.filter((a) => regex.test(a));
}
