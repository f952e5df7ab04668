import { defineConfig } from "vitest/config";

const ignored = ["**/node_modules/**", "dist/**", "cdktf.out/**", ".eventlake/**"];

export default defineConfig({
  test: {
    // A run that finds no test is a failure of ours, not a pass.
    passWithNoTests: false,
    // The SDK warns on Node 20 that its 2027 releases need Node 22 (the README says so once).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...ignored, "**/*.lake.test.ts"],
          // Before the lake files, while the lake's global setup applies the local stack (src/testing/lake-setup.ts).
          sequence: { groupOrder: 1 },
        },
      },
      {
        // One moto and one applied local stack, shared by every *.lake.test.ts (see src/testing/lake-setup.ts).
        // Files run one at a time: they share queues.
        extends: true,
        test: {
          name: "lake",
          include: ["**/*.lake.test.ts"],
          exclude: ignored,
          globalSetup: ["src/testing/lake-setup.ts"],
          setupFiles: ["src/testing/lake-ready.ts"],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
