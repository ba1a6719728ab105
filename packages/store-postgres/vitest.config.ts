import { coderclawProject } from "@coderclaw/vitest-preset"

// One PostgreSQL server for the whole project (started before the first test file, stopped after the last).
export default coderclawProject("store-postgres", {
  test: { globalSetup: ["../../tooling/postgres-harness/globalSetup.js"], testTimeout: 60_000, hookTimeout: 120_000 }
})
