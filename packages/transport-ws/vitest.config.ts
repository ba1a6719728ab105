import { coderclawProject } from "@coderclaw/vitest-preset"

// Real servers, thousands of streams and child processes on loopback: budgets that a busy 2-core machine
// does not exhaust. Tests assert what happened, never how fast.
export default coderclawProject("transport-ws", { test: { testTimeout: 120_000, hookTimeout: 120_000 } })
