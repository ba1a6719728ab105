import { fileURLToPath } from "node:url"
import { isAlive, killTracked, launchJsonLines } from "@coderclaw/process-harness"
import { afterEach, describe, expect, it } from "vitest"

const fixture = fileURLToPath(new URL("./fixtures/testThatLeaves.mjs", import.meta.url))

afterEach(async () => {
  await killTracked()
})

const gone = async (pid: number) => {
  const deadline = Date.now() + 30_000
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  return !isAlive(pid)
}

describe("the process harness kills what a test started", () => {
  it.each(["throw", "reject", "exit", "signal", "timeout"])(
    "when the test ends by %s, its child process does not outlive it",
    async (mode) => {
      const test = launchJsonLines(fixture, [mode], { nodeArgs: ["--unhandled-rejections=strict"] })
      await test.until((lines) => lines.some((line) => line.kind === "spawned"))
      const pid = test.lines.find((line) => line.kind === "spawned")?.pid as number
      expect(isAlive(pid)).toBe(true)
      if (mode === "signal") test.child.kill("SIGTERM")
      const code = await test.exited
      expect(code).not.toBe(0)
      expect(await gone(pid), `child ${pid} still running after the test process ended (${mode})`).toBe(true)
    }
  )
})
