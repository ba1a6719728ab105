import { coderclawProject } from "@coderclaw/vitest-preset"

// Packing and installing tarballs talks to the npm registry and takes a while.
export default coderclawProject("repo-checks", { test: { testTimeout: 300_000, hookTimeout: 300_000 } })
