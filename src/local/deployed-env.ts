/** The slice of a synthesized stack (cdk.tf.json) that holds the functions. */
export interface FunctionsOfStack {
  readonly resource?: {
    readonly aws_lambda_function?: Readonly<
      Record<string, { filename?: string; environment?: { variables?: Record<string, string> } }>
    >;
  };
}

/**
 * The environment the stack deploys the function built from handler `name` with (its zip is `asset-<name>/...`),
 * so a handler run outside Lambda passes the same configuration checks it passes there. Terraform references stay
 * as their text, except `jsonencode({...})`, which becomes the JSON object it encodes, with references as strings.
 */
export function deployedEnvironment(stack: FunctionsOfStack, name: string): Record<string, string> {
  for (const fn of Object.values(stack.resource?.aws_lambda_function ?? {}))
    if (String(fn.filename).includes(`asset-${name}/`))
      return Object.fromEntries(
        Object.entries(fn.environment?.variables ?? {}).map(([k, v]) => [k, placeholder(v)]),
      );
  return {};
}

/** `${jsonencode({"a" = x.y, ...})}` -> `{"a":"x.y",...}`; other Terraform references -> their text. */
export function placeholder(value: string): string {
  const encoded = /^\$\{jsonencode\((.*)\)\}$/s.exec(value)?.[1];
  if (encoded === undefined) return value;
  const pairs = [...encoded.matchAll(/"([^"]+)" = ([^,}]+)/g)].map(([, k, v]) => [k, (v ?? "").trim()]);
  return JSON.stringify(Object.fromEntries(pairs));
}
