import { coderclawProject } from "@coderclaw/vitest-preset"

export default coderclawProject("worker")
