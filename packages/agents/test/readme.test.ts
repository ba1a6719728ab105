import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { main } from "./examples/quickStart.js"
import { runTests } from "./examples/runTests.js"
import { makeRepository } from "./support/fixtures.js"

describe("README examples", () => {
  it("scans a repository through Runtime.layer and the local client", async () => {
    const root = await makeRepository({ "src/app.ts": "// TODO: more\nexport {}\n", "README.md": "# App\n" })
    const lines: Array<string> = []
    const record = await main(root, (line) => lines.push(line))
    expect(record).toMatchObject({
      status: "completed",
      result: {
        kind: "repo-scan",
        files: 2,
        lines: 3,
        languages: [
          { language: "TypeScript", files: 1, lines: 2 },
          { language: "Markdown", files: 1, lines: 1 }
        ],
        todos: { count: 1 }
      }
    })
    expect(lines).toEqual(["0% listing files", "100% scanned 2 of 2 files"])
  })

  it("runs a repository's tests after approving the command, printing its output as it comes", async () => {
    const script = `${JSON.stringify(process.execPath)} -e "console.log('Tests:       2 passed, 2 total')"`
    const root = await makeRepository({ "package.json": JSON.stringify({ scripts: { test: script } }) })
    const lines: Array<string> = []
    const run = await runTests(root, (line) => lines.push(line))
    expect(run).toMatchObject({ passed: true, exitCode: 0, counts: { reporter: "jest", passed: 2, total: 2 } })
    expect(lines).toEqual([expect.stringMatching(/^approve\? /), "| Tests:       2 passed, 2 total"])
  })

  it("are the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    for (const example of ["quickStart.ts", "runTests.ts"]) {
      expect(readme).toContain(readFileSync(join(root, "test", "examples", example), "utf8"))
    }
  })
})
