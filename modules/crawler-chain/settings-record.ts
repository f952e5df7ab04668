import { anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformResource } from "cdktf";
import type { Construct } from "constructs";

/**
 * A `terraform_data` holding a crawler's settings, for `replace_triggered_by`: the same resource, attribute for
 * attribute, as cdktf's `DataResource` writes. That class also adds a check that runs `terraform version` when the
 * stack is validated, on every synth: about 130 ms a resource, three per local stack, a fifth of a synth of every
 * environment. The Terraform here is pinned (1.11), well past the 1.4 that `terraform_data` needs.
 */
export class SettingsRecord extends TerraformResource {
  static readonly tfResourceType = "terraform_data";

  constructor(
    scope: Construct,
    id: string,
    private readonly input: Record<string, unknown>,
  ) {
    super(scope, id, {
      terraformResourceType: SettingsRecord.tfResourceType,
      terraformGeneratorMetadata: { providerName: "terraform" },
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { input: hashMapper(anyToTerraform)(this.input) };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { input: hashMapperHcl(anyToHclTerraform)(this.input) };
  }
}
