import { coderclawProject } from "@coderclaw/vitest-preset"

// One PostgreSQL server for the project (the crash-recovery test runs the runtime on it too).
export default coderclawProject("integration", {
  test: { testTimeout: 120_000, hookTimeout: 120_000, globalSetup: ["../postgres-harness/globalSetup.js"] }
})
