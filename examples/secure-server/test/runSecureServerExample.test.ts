import { describe, expect, it } from "vitest"
import { runSecureServerExample } from "../src/index.js"

describe("secure server example", () => {
  it("refuses and allows exactly as configured, and its audit chain verifies", async () => {
    const report = await runSecureServerExample()
    expect(report.steps[0]).toBe("reader submits echo: refused (default-deny)")
    expect(report.steps[1]).toBe("alice submits echo: completed")
    expect(report.steps[2]).toMatch(/^alice deploys from an unpaired device: refused \(deploy-needs-trusted-device/)
    expect(report.steps[3]).toBe("admin approves the pairing of alice's laptop")
    expect(report.steps[4]).toBe("alice deploys from her paired device: completed")
    expect(report.auditIntact).toBe(true)
    expect(report.auditEntries).toBeGreaterThan(10)
  })
})
