import { coderclawProject } from "@coderclaw/vitest-preset"

// Real HTTP servers and streams on loopback: budgets a busy 2-core machine does not exhaust. Tests assert
// what happened, never how fast.
export default coderclawProject("gateway", { test: { testTimeout: 120_000, hookTimeout: 120_000 } })
