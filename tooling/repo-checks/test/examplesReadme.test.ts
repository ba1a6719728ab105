import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { killTracked, runTracked } from "../../process-harness/index.js"
import { repoRoot } from "./workspace.js"

const run = runTracked

// An example that hangs or a test that times out must not leave its process running.
afterEach(async () => {
  await killTracked()
})
const readme = readFileSync(join(repoRoot, "examples", "README.md"), "utf8")

/** Each section of examples/README.md: its `sh` command and the `text` output it documents. */
const sections = readme
  .split(/^## /m)
  .slice(1)
  .map((section) => {
    const title = section.slice(0, section.indexOf("\n"))
    const command = /```sh\n(.+)\n```/.exec(section)?.[1] ?? ""
    const output = /```text\n([\s\S]*?)\n```/.exec(section)?.[1] ?? ""
    return { title, command, output }
  })

// Task ids change on every run, and the lifecycle example prints the absolute path it counted.
const normalise = (text: string) =>
  text
    .replaceAll(`${repoRoot}/`, "")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<task id>")
    .trimEnd()

describe("examples/README.md", () => {
  it("documents the three examples", () => {
    expect(sections.map((section) => section.title)).toEqual([
      "Basic task submission",
      "Security and RBAC",
      "Task lifecycle"
    ])
  })

  for (const { title, command, output } of sections) {
    it(`${title}: \`${command}\` prints exactly the documented output`, async () => {
      const [program, ...args] = command.split(" ")
      expect(program).toBe("node")
      const { stdout } = await run(process.execPath, args, { cwd: repoRoot })
      expect(normalise(stdout)).toBe(output)
    })
  }
})
