import { waitForLake } from "./lake.js";

// Setup file of the `lake` test project: each lake file starts once the global setup's apply is done.
await waitForLake();
