import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { parseRuntimeConfig } from "../src/config/loadRuntimeConfig.js"
import { sandboxWarning } from "../src/server/sandboxWarning.js"

const missing = "/nonexistent/coderclaw-test/bwrap"

// An operator must learn at start-up that commands will be refused, or worse, run unconfined.
describe("serve's sandbox warning", () => {
  it("says shell.run refuses commands when no sandbox is available", async () => {
    const warning = await sandboxWarning(undefined, missing)
    expect(warning).toContain("WARNING: no sandbox")
    expect(warning).toContain("refuses every command")
    expect(warning).toContain("unsandboxed: [shell.run]")
  })

  it("says shell.run runs commands unconfined when runtime.yaml opts out", async () => {
    expect(await sandboxWarning(["shell.run"], missing)).toContain("UNCONFINED")
  })

  it("reads the opt-out from runtime.yaml by skill name and refuses a misspelt one", async () => {
    const config = await Effect.runPromise(parseRuntimeConfig("unsandboxed: [shell.run]\n", "runtime.yaml"))
    expect(config.unsandboxed).toEqual(["shell.run"])
    const refused = await Effect.runPromise(
      Effect.flip(parseRuntimeConfig("unsandboxed: [shell.rum]\n", "runtime.yaml"))
    )
    expect(refused.message).toContain("unsandboxed")
  })
})
