import { z } from "zod";

const zones = z.object({ drop: z.string().min(1), raw: z.string().min(1), curated: z.string().min(1) });
const transform = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("state-machine"), arn: z.string().min(1) }),
  z.object({ kind: z.literal("glue-job"), name: z.string().min(1) }),
]);

export const orchestratorConfig = z.object({
  crawlers: zones,
  databases: zones,
  rawBucket: z.string().min(1),
  /** Where the transforms write: a date's files are deleted before it is transformed (again). */
  curatedBucket: z.string().min(1),
  ledgerTable: z.string().min(1),
  alertsTopicArn: z.string().min(1),
  /** Per pipeline: what transforms raw into curated. A pipeline with none (local: no state machines) is skipped. */
  transforms: z.record(z.string(), transform),
  /** Ingest dates one run transforms at most (the oldest first). */
  maxDatesPerRun: z.number().int().min(1).max(100),
  /** A claim older than this whose run never finished is claimed again. */
  staleClaimSeconds: z.number().int().min(60),
});
export type OrchestratorConfig = z.infer<typeof orchestratorConfig>;
export type Zone = keyof OrchestratorConfig["crawlers"];

const json = (name: string, env: NodeJS.ProcessEnv): unknown => {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`environment variable ${name} is not JSON`);
  }
};

/** Reads and validates the environment TracedFunction was given by CrawlerChain; throws naming the bad field. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  const parsed = orchestratorConfig.safeParse({
    crawlers: json("CRAWLERS", env),
    databases: json("DATABASES", env),
    rawBucket: env.RAW_BUCKET,
    curatedBucket: env.CURATED_BUCKET,
    ledgerTable: env.LEDGER_TABLE,
    alertsTopicArn: env.ALERTS_TOPIC_ARN,
    transforms: json("TRANSFORMS", env),
    maxDatesPerRun: Number(env.MAX_DATES_PER_RUN ?? 31),
    staleClaimSeconds: Number(env.STALE_CLAIM_SECONDS ?? 21_600),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `orchestrator configuration: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}
