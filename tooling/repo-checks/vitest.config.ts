import { coderclawProject } from "@coderclaw/vitest-preset"

// Packing and installing tarballs talks to the npm registry and compiles better-sqlite3: minutes on a busy machine.
export default coderclawProject("repo-checks", { test: { testTimeout: 600_000, hookTimeout: 900_000 } })
