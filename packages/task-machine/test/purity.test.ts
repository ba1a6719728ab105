import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const srcDir = join(import.meta.dirname, "..", "src")
const sources = readdirSync(srcDir, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => ({ file, text: readFileSync(join(srcDir, file), "utf8") }))

const importLines = (text: string) => text.split("\n").filter((line) => /^\s*(import|export)\b.*\bfrom\s+"/.test(line))

describe("task-machine stays pure", () => {
  it("imports only xstate at run time (the protocol for types only, never Effect)", () => {
    for (const { file, text } of sources) {
      for (const line of importLines(text)) {
        const specifier = /from\s+"([^"]+)"/.exec(line)?.[1] ?? ""
        if (specifier.startsWith(".")) continue
        const typeOnly = /^\s*(import|export)\s+type\b/.test(line)
        if (specifier === "xstate") continue
        expect(typeOnly && specifier === "@coderclaw/protocol", `${file}: ${line.trim()}`).toBe(true)
      }
    }
  })

  it("uses no timers, clocks, randomness or I/O", () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(
        /\b(setTimeout|setInterval|Date\.now|new Date|Math\.random)\b|\bafter:\s*\{|from "node:/
      )
    }
  })
})
