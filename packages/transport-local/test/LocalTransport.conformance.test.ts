import { transportConformance } from "@coderclaw/transport-conformance"
import { createLocalRuntime } from "../src/index.js"

// The in-memory journal and the permissive authorizer are createLocalRuntime's defaults.
transportConformance({
  name: "local",
  start: async (options) => {
    const runtime = createLocalRuntime(options)
    await runtime.ready()
    return runtime
  }
})
