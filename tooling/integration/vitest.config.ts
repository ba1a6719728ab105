import { coderclawProject } from "@coderclaw/vitest-preset"

export default coderclawProject("integration", { test: { testTimeout: 120_000 } })
