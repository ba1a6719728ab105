import { describe, expect, it } from "vitest"
import { alice, startRuntime } from "./support/harness.js"

// A server that cannot confine dangerous skills says so wherever its health is read, not only at start-up.
describe("health checks found by the host", () => {
  it("are reported in status() beside the runtime's own, and set its state", async () => {
    const harness = startRuntime({
      agents: [],
      healthChecks: [{ name: "sandbox", state: "degraded", detail: "WARNING: no sandbox" }]
    })
    try {
      const status = await harness.call((runtime) => runtime.status(alice))
      expect(status.health.checks).toContainEqual({ name: "sandbox", state: "degraded", detail: "WARNING: no sandbox" })
      expect(status.health.state).not.toBe("ok")
    } finally {
      await harness.dispose()
    }
  })
})
