import { coderclawProject } from "@coderclaw/vitest-preset"

// The demo drives a whole server through real work on this repository: give it room on a busy 2-core machine.
export default coderclawProject("demo", { test: { testTimeout: 180_000, hookTimeout: 60_000 } })
