import { coderclawProject } from "@coderclaw/vitest-preset"

// The smoke run spawns child processes and runs every section with small counts: allow it a few minutes.
export default coderclawProject("bench", { test: { testTimeout: 180_000 } })
