import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it, vi } from "vitest"
import { shoutOver } from "../examples/client.js"
import { serve } from "../examples/server.js"

describe("README examples", () => {
  it("the client runs a task on the server and reads its stream", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
    const server = await serve()
    try {
      expect(await shoutOver(server.url, "hello")).toBe("HELLO")
      expect(log.mock.calls.at(-1)).toEqual([expect.any(Number), "status_changed"])
    } finally {
      log.mockRestore()
      await server.close()
    }
  })

  it("are the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    for (const example of ["server.ts", "client.ts"])
      expect(readme).toContain(readFileSync(join(root, "examples", example), "utf8"))
  })
})
