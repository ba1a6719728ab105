import { coderclawProject } from "@coderclaw/vitest-preset"

// Many tests run whole command lines against a real server, some in child processes: budgets that a busy
// 2-core machine does not exhaust. Tests assert what happened, never how fast. One PostgreSQL server for
// the project serves the tests of `journal: postgres://…`.
export default coderclawProject("cli", {
  test: { testTimeout: 120_000, hookTimeout: 120_000, globalSetup: ["../../tooling/postgres-harness/globalSetup.js"] }
})
