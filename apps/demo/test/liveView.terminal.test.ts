import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked } from "@coderclaw/process-harness"
import { runOnTerminal } from "@coderclaw/process-harness/terminal"
import { afterEach, describe, expect, it } from "vitest"

// The demo as a person sees it in a terminal: run on a pseudo-terminal of a fixed size (so it draws live
// bars), its output replayed into a headless xterm, the final screen asserted.
const appDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const main = join(appDir, "dist", "main.js")

afterEach(async () => {
  await killTracked()
})

describe("the demo's live view on a terminal", () => {
  it("keeps every section, transition and the summary; one bar per task, never glued to text", async () => {
    expect(existsSync(main), `${main} is missing: build apps/demo first`).toBe(true)
    const ran = await runOnTerminal([process.execPath, main], { cwd: appDir, env: process.env, cols: 120, rows: 30 })
    const screen = ran.screen
    const text = screen.join("\n")
    expect(ran.code, text).toBe(0)

    for (let section = 1; section <= 9; section++) expect(text).toContain(`== ${section}. `)
    expect(text).toMatch(/Demo complete in [\d.]+ s: 9 tasks, 3 actions denied, audit verified\./)
    // Every transition of the concurrent tasks (step 3) and of the workflow's steps (step 4) is on its own line.
    for (const label of [
      "repo-scanner",
      "reviewer",
      "workflow/scan",
      "workflow/changes",
      "workflow/search",
      "workflow/review"
    ]) {
      for (const transition of ["pending → planning", "planning → running", "running → completed"]) {
        const lines = screen.filter((line) => new RegExp(`^  ${label}\\s+${transition}$`).test(line))
        expect(lines, `${label}: ${transition}\n${text}`).toHaveLength(1)
      }
    }
    // A bar cell only ever appears in a bar line, and each task of the two boards keeps exactly one bar.
    for (const line of screen) {
      if (/[█░]/.test(line)) expect(line, text).toMatch(/^ {4}\S+\s+[█░]{20}\s+\d+% \S/)
    }
    const bars = screen.filter((line) => /[█░]{20}/.test(line)).map((line) => line.trim().split(/\s+/)[0])
    expect(bars.sort(), text).toEqual(
      [
        "repo-scanner",
        "reviewer",
        "workflow",
        "workflow/changes",
        "workflow/review",
        "workflow/scan",
        "workflow/search"
      ].sort()
    )
  })
})
