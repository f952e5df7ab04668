import type { StackIndex } from "../terraform/json.js";

/** An error fails `make policy`; a warning is printed and counted but does not. */
export type Level = "error" | "warning";

/** What one rule concluded about one resource (cdk-nag's NagRuleCompliance). */
export type Status = "compliant" | "non_compliant" | "not_applicable";

/** The id of the checkov or cdk-nag check a rule mirrors, so findings can be cross-read with those tools. */
export type MirrorId = `CKV_AWS_${number}` | `CKV2_AWS_${number}` | `AwsSolutions-${string}`;

export interface Finding {
  readonly status: Status;
  /** Terraform address, e.g. `aws_s3_bucket.zone-drop_bucket_2CC08DED`, or `(stack)` when nothing applied. */
  readonly address: string;
  /** Construct path, e.g. `test/zone-drop/bucket`, when the block has one. */
  readonly path?: string;
  readonly message: string;
}

/** One check over the synthesized Terraform JSON of a stack: a pure function of the stack. */
export interface Rule {
  /** Stable id, used by suppressions: `<Service>.<Name>`, e.g. `S3.KmsEncryption`. */
  readonly id: string;
  readonly level: Level;
  /** One line: what compliant looks like. */
  readonly title: string;
  /** Why it matters, and what to change when it fails. */
  readonly explanation: string;
  /** The checkov or cdk-nag check this rule mirrors most closely. Empty when none does. */
  readonly mirrors?: MirrorId;
  /** Further checks covering part of the same ground. */
  readonly seeAlso?: readonly MirrorId[];
  check(stack: StackIndex): Finding[];
}

/** A reasoned exception: one rule does not apply to the matching resources. */
export interface Suppression {
  readonly ruleId: string;
  /** Only in this stack. @default every stack */
  readonly stack?: string;
  /** Terraform address, exact or a glob (`*` any run of characters, `?` one), e.g. `aws_s3_bucket.zone-logs_*`. */
  readonly address: string;
  /** Why the finding is acceptable. Required: a suppression without one is rejected. */
  readonly reason: string;
}
