import { resolve } from "node:path";
import type { BundledFunction } from "./invoke.js";

/**
 * What the local runner plays Lambda for, read from the applied Terraform state (`terraform show -json`), so the
 * path exercised is the one the stack generates, never a copy of it.
 */
export interface LocalWiring {
  readonly functions: Readonly<Record<string, BundledFunction & { arn: string }>>;
  readonly mappings: readonly QueueMapping[];
  readonly schedules: readonly Schedule[];
  readonly queues: Readonly<Record<string, QueueInfo>>;
  /** Outputs of the stack, by name. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface QueueInfo {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount?: number;
  readonly dlqArn?: string;
}

/** An SQS event source mapping: the runner polls `queue` with `batchSize` and invokes `functionName`. */
export interface QueueMapping {
  readonly queue: QueueInfo;
  readonly functionName: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly reportBatchItemFailures: boolean;
  /** False in local: moto must never try to run it (the runner is the only consumer). */
  readonly enabledInAws: boolean;
}

export interface Schedule {
  readonly name: string;
  readonly expression: string;
  readonly functionName: string;
  readonly input: string;
}

interface StateResource {
  readonly type: string;
  readonly address: string;
  readonly values: Record<string, unknown>;
}

interface ShowJson {
  values?: {
    outputs?: Record<string, { value: unknown }>;
    root_module?: { resources?: StateResource[]; child_modules?: { resources?: StateResource[] }[] };
  };
}

/** Pure: builds the wiring from `terraform show -json` output; relative zip paths resolve from `stackDir`. */
export function wiringFromState(show: ShowJson, stackDir: string): LocalWiring {
  const resources = [
    ...(show.values?.root_module?.resources ?? []),
    ...(show.values?.root_module?.child_modules ?? []).flatMap((m) => m.resources ?? []),
  ];
  const ofType = (type: string) => resources.filter((r) => r.type === type).map((r) => r.values);
  const str = (v: unknown) => (typeof v === "string" ? v : "");

  const layers = new Map(
    ofType("aws_lambda_layer_version").map((l) => [str(l["arn"]), resolve(stackDir, str(l["filename"]))]),
  );
  const functions: Record<string, BundledFunction & { arn: string }> = {};
  for (const f of ofType("aws_lambda_function")) {
    const name = str(f["function_name"]);
    const environment = ((f["environment"] as { variables?: Record<string, string> }[] | undefined)?.[0]
      ?.variables ?? {}) as Record<string, string>;
    functions[name] = {
      name,
      arn: str(f["arn"]),
      zipPath: resolve(stackDir, str(f["filename"])),
      handler: str(f["handler"]),
      layerZipPaths: ((f["layers"] as string[] | undefined) ?? []).map((arn) => {
        const path = layers.get(arn);
        if (!path) throw new Error(`function ${name} uses layer ${arn}, which is not in this stack's state`);
        return path;
      }),
      environment,
      timeoutSeconds: Number(f["timeout"]),
      memoryMb: Number(f["memory_size"]),
    };
  }

  const queues: Record<string, QueueInfo> = {};
  for (const q of ofType("aws_sqs_queue")) {
    const redrive = str(q["redrive_policy"]);
    const parsed = redrive
      ? (JSON.parse(redrive) as { deadLetterTargetArn?: string; maxReceiveCount?: number })
      : {};
    const info: QueueInfo = {
      name: str(q["name"]),
      arn: str(q["arn"]),
      url: str(q["url"]),
      visibilityTimeoutSeconds: Number(q["visibility_timeout_seconds"]),
      maxReceiveCount: parsed.maxReceiveCount,
      dlqArn: parsed.deadLetterTargetArn,
    };
    queues[info.arn] = info;
  }

  const byArn = new Map(Object.values(functions).map((f) => [f.arn, f.name]));
  const mappings: QueueMapping[] = ofType("aws_lambda_event_source_mapping").map((m) => {
    const queue = queues[str(m["event_source_arn"])];
    if (!queue)
      throw new Error(`event source mapping from ${str(m["event_source_arn"])}: not a queue of this stack`);
    const target = str(m["function_name"]);
    const functionName = byArn.get(target) ?? byArn.get(str(m["function_arn"])) ?? target;
    if (!functions[functionName])
      throw new Error(`event source mapping to ${target}: not a function of this stack`);
    const scaling = (m["scaling_config"] as { maximum_concurrency?: number }[] | undefined)?.[0];
    return {
      queue,
      functionName,
      batchSize: Number(m["batch_size"] ?? 10),
      maxConcurrency: Number(scaling?.maximum_concurrency ?? 2),
      reportBatchItemFailures: ((m["function_response_types"] as string[] | undefined) ?? []).includes(
        "ReportBatchItemFailures",
      ),
      enabledInAws: m["enabled"] !== false,
    };
  });

  const schedules: Schedule[] = ofType("aws_scheduler_schedule").map((s) => {
    const target = (s["target"] as { arn: string; input?: string }[])[0];
    const functionName = byArn.get(target?.arn ?? "");
    if (!functionName)
      throw new Error(`schedule ${str(s["name"])} targets ${target?.arn}, not a function of this stack`);
    return {
      name: str(s["name"]),
      expression: str(s["schedule_expression"]),
      functionName,
      input: target?.input ?? "{}",
    };
  });

  const outputs = Object.fromEntries(
    Object.entries(show.values?.outputs ?? {}).map(([k, v]) => [
      k,
      typeof v.value === "string" ? v.value : JSON.stringify(v.value),
    ]),
  );
  return { functions, mappings, schedules, queues, outputs };
}
