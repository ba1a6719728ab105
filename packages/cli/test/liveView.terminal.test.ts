import { existsSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked } from "@coderclaw/process-harness"
import { runOnTerminal } from "@coderclaw/process-harness/terminal"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { CoderclawServer } from "../src/server/startServer.js"
import { loggedInAdmin, removeDir, startTestServer, tempDir } from "./support/harness.js"

// The live view as a person sees it: `workflow run --wait` on a real pseudo-terminal of a fixed size, its
// output replayed into a headless xterm, the final screen asserted.
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const cols = 100
const rows = 30

let dir: string
let home: string
let server: CoderclawServer

beforeAll(async () => {
  dir = await tempDir("terminal")
  home = join(dir, "home")
  server = await startTestServer(dir)
  await loggedInAdmin(server.url, dir, home)
  // Four steps, two of them at once: enough bars for lines and bars to interleave.
  await writeFile(
    join(dir, "flow.yaml"),
    [
      "name: live",
      "steps:",
      "  - { id: first, agentId: echo, description: first step }",
      "  - { id: left, agentId: echo, description: left branch, dependsOn: [first] }",
      "  - { id: right, agentId: echo, description: right branch, dependsOn: [first] }",
      "  - { id: last, agentId: echo, description: last step, dependsOn: [left, right] }",
      ""
    ].join("\n")
  )
})

afterEach(async () => {
  await killTracked()
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("the live view on a terminal", () => {
  it("keeps every status line and the summary, one bar per task, never glued to text", async () => {
    expect(existsSync(bin), `${bin} is missing: build the package first`).toBe(true)
    const { CODERCLAW_SERVER: _server, ...env } = process.env
    const ran = await runOnTerminal([process.execPath, bin, "workflow", "run", "flow.yaml", "--wait"], {
      cwd: dir,
      env: { ...env, CODERCLAW_HOME: home, CODERCLAW_SERVER: server.url },
      cols,
      rows
    })
    const screen = ran.screen
    const text = screen.join("\n")
    expect(ran.code, text).toBe(0)

    // Every transition of every task is on screen, each on its own line.
    for (const label of ["workflow", "first", "left", "right", "last"]) {
      for (const transition of ["pending → planning", "planning → running", "running → completed"]) {
        const lines = screen.filter((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${label}\\s+${transition}$`).test(line))
        expect(lines, `${label}: ${transition}\n${text}`).toHaveLength(1)
      }
    }
    // The summary closes the run.
    expect(text).toMatch(/✔ workflow task \S+ completed/)
    // No bar cell shares a line with a transition or the summary, and each task keeps exactly one bar.
    for (const line of screen) {
      if (/[█░]/.test(line)) expect(line, text).toMatch(/^\S+\s+[█░]{20}\s+\d+% \w/)
    }
    const bars = screen.filter((line) => /[█░]{20}/.test(line))
    expect(bars.map((line) => line.split(/\s+/)[0]).sort(), text).toEqual([
      "first",
      "last",
      "left",
      "right",
      "workflow"
    ])
    expect(
      bars.every((line) => line.includes("100% completed")),
      text
    ).toBe(true)
  })
})
