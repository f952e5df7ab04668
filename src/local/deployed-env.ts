import { blocksOf, type TerraformJson } from "../terraform/json.js";

/**
 * The environment the stack deploys the function built from handler `name` with (its zip is `asset-<name>/...`),
 * so a handler run outside Lambda passes the same configuration checks it passes there. Terraform references stay
 * as their text, except `jsonencode({...})`, which becomes the JSON object it encodes, with references as strings.
 */
export function deployedEnvironment(stack: TerraformJson, name: string): Record<string, string> {
  for (const { body } of blocksOf(stack, "resource", (t) => t === "aws_lambda_function"))
    if (String(body["filename"]).includes(`asset-${name}/`)) {
      const environment = body["environment"] as { variables?: Record<string, string> } | undefined;
      return Object.fromEntries(
        Object.entries(environment?.variables ?? {}).map(([k, v]) => [k, placeholder(v)]),
      );
    }
  return {};
}

/** `${jsonencode({"a" = x.y, ...})}` -> `{"a":"x.y",...}`; other Terraform references -> their text. */
export function placeholder(value: string): string {
  const encoded = /^\$\{jsonencode\((.*)\)\}$/s.exec(value)?.[1];
  if (encoded === undefined) return value;
  const pairs = [...encoded.matchAll(/"([^"]+)" = ([^,}]+)/g)].map(([, k, v]) => [k, (v ?? "").trim()]);
  return JSON.stringify(Object.fromEntries(pairs));
}
