import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { synthApp } from "../testing/synth.js";
import { buildModel } from "./model.js";
import { renderSvg, toDot } from "./render.js";

/** The committed diagram, rendered from the `test` stack. */
export const DIAGRAM_FILE = "docs/architecture.svg";
export const DIAGRAM_COMMAND = "node --import tsx src/cli/diagram.ts";

/** Synthesizes the app and renders one stack's architecture to SVG. */
export async function renderStack(
  stackName: "test" | "sandbox" = "test",
): Promise<{ svg: string; dot: string }> {
  const synth = await synthApp({ environments: [stackName] });
  try {
    const stack = synth.stacks[stackName];
    if (!stack) throw new Error(`the synth has no stack "${stackName}"`);
    const env = synth.config.environments[stackName];
    const dot = toDot(buildModel(stack, env.prefix), `event-lake (${stackName} stack)`);
    return { dot, svg: await renderSvg(dot) };
  } finally {
    rmSync(synth.outdir, { recursive: true, force: true });
  }
}

/** `--check`: exit 1 when the committed diagram is stale. Otherwise write it. */
export async function diagramCommand(
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  if (argv.some((a) => a !== "--check" && a !== "--dot")) {
    print(`usage: ${DIAGRAM_COMMAND} [--check] [--dot]`);
    return 2;
  }
  const { svg, dot } = await renderStack("test");
  if (argv.includes("--dot")) {
    print(dot);
    return 0;
  }
  if (argv.includes("--check")) {
    const same = readFileSync(DIAGRAM_FILE, "utf8") === svg;
    print(same ? `${DIAGRAM_FILE} is up to date` : `${DIAGRAM_FILE} is stale: run \`${DIAGRAM_COMMAND}\``);
    return same ? 0 : 1;
  }
  writeFileSync(DIAGRAM_FILE, svg);
  print(`wrote ${DIAGRAM_FILE}`);
  return 0;
}
