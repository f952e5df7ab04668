import { declarationProblems } from "../core/declaration.js";
import type { PipelineDeclaration } from "../core/pipeline.js";
import { inferTransformColumns } from "../sql/infer.js";
import { SqlError } from "../sql/parser.js";

/**
 * Every problem with one declaration, each naming the pipeline and the field; empty when valid. The transform's SQL
 * is parsed here, not first while the stack is built, so bad SQL is a declaration problem (pipeline, line, column).
 */
export function pipelineProblems(p: PipelineDeclaration): string[] {
  const problems = declarationProblems(p);
  if (problems.length > 0) return problems;
  try {
    inferTransformColumns(p);
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    problems.push(error.message);
  }
  return problems;
}

export class PipelineError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid pipeline declaration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PipelineError";
  }
}

/** Validates every declaration and that names are unique; throws once with every problem. */
export function validatePipelines(pipelines: readonly PipelineDeclaration[]): readonly PipelineDeclaration[] {
  const problems = pipelines.flatMap(pipelineProblems);
  const names = new Set<string>();
  for (const p of pipelines) {
    if (names.has(p.name)) problems.push(`pipeline "${p.name}": name: declared twice`);
    names.add(p.name);
  }
  if (pipelines.length === 0) problems.push("no pipelines are declared in src/pipelines/definitions/");
  if (problems.length > 0) throw new PipelineError(problems);
  return [...pipelines].sort((a, b) => a.name.localeCompare(b.name));
}
