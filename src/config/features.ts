import type { EnvironmentName, FeatureConfig } from "./types.js";

/**
 * What each environment builds when its config says nothing. Everything that costs money by the hour or needs an
 * account-level subscription is off, except SageMaker in sandbox (the data scientists' environment), as issue #6
 * asks. docs/features.md ("Features and what they cost") lists each one; a test keeps the two in step.
 */
export const FEATURE_DEFAULTS: FeatureConfig = {
  natGateway: false,
  lambdasInVpc: false,
  trailDataEvents: true,
  trailCloudWatchLogs: false,
  redshift: "serverless",
  redshiftNodeType: "ra3.xlplus",
  redshiftNodes: 2,
  quicksightAthena: false,
  quicksightRedshift: false,
  sagemaker: false,
  lakeFormation: false,
};

/**
 * Per-environment differences from FEATURE_DEFAULTS. Local turns on everything moto 5.2.1 can apply (it costs
 * nothing there), so `make local` and the lake tests prove each of them applies; what moto cannot do (Redshift,
 * QuickSight) src/stacks/local-compat.ts leaves out whatever the setting says.
 */
export const ENVIRONMENT_FEATURE_DEFAULTS: Readonly<Record<EnvironmentName, Partial<FeatureConfig>>> = {
  test: {},
  sandbox: { sagemaker: true },
  local: { natGateway: true, lambdasInVpc: true, sagemaker: true, lakeFormation: true },
};

export function featureDefaults(name: EnvironmentName): FeatureConfig {
  return { ...FEATURE_DEFAULTS, ...ENVIRONMENT_FEATURE_DEFAULTS[name] };
}
