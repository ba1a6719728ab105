import { coderclawProject } from "@coderclaw/vitest-preset"

export default coderclawProject("example-secure-server")
