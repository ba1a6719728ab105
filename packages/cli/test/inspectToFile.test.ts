import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { loggedInAdmin, removeDir, tempDir, testAgents, testSkills } from "./support/harness.js"

interface Line {
  readonly type: string
  readonly sessionId: string
  readonly rootId?: string
  readonly name?: string
  readonly definition?: string
  readonly event?: { readonly type: string }
  readonly snapshot?: { readonly value?: unknown; readonly status?: string }
  readonly createdAt: string
}

let dir: string
let server: CoderclawServer | undefined

beforeAll(async () => {
  dir = await tempDir("inspect")
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("serve's inspection file (inspect.file in runtime.yaml)", () => {
  it("names each actor by its task id and carries the machine definition, in the Stately inspector's format", async () => {
    const file = join(dir, "inspect", "events.jsonl")
    server = await startServer({
      cwd: dir,
      config: { port: 0, database: "db/coderclaw.db", inspect: { file } },
      agents: testAgents,
      skills: testSkills,
      env: {}
    })
    const cli = await loggedInAdmin(server.url, dir, join(dir, "home"))
    const ids: Array<string> = []
    for (const input of ['"one"', '"two"']) {
      const ran = await cli(["submit", "echo", input, "--wait", "--json"])
      expect(ran.code, ran.stderr).toBe(0)
      ids.push((JSON.parse(ran.stdout.trim().split("\n").at(-1) as string) as { task: { id: string } }).task.id)
    }
    await server.close()
    server = undefined

    const lines = (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Line)
    expect(lines.length).toBeGreaterThan(0)
    // No XState session ids (`x:0`): every line names its task.
    expect(lines.every((line) => !/^x:\d+$/.test(line.sessionId))).toBe(true)
    expect(new Set(lines.map((line) => line.sessionId))).toEqual(new Set(ids))

    for (const id of ids) {
      const own = lines.filter((line) => line.sessionId === id)
      // The actor line comes first, with the machine's definition, so a replay can draw the statechart.
      const [actor] = own
      expect(actor).toMatchObject({ type: "@xstate.actor", sessionId: id, rootId: id, name: "task" })
      const definition = JSON.parse(actor?.definition ?? "null") as { id: string; states: Record<string, unknown> }
      expect(definition.id).toBe("task")
      expect(Object.keys(definition.states)).toEqual(
        expect.arrayContaining(["active", "completed", "failed", "cancelled"])
      )
      expect(own.filter((line) => line.type === "@xstate.actor")).toHaveLength(1)
      // Then what happened: events and snapshots, the last one completed.
      expect(own.some((line) => line.type === "@xstate.event")).toBe(true)
      const snapshots = own.filter((line) => line.type === "@xstate.snapshot")
      expect(snapshots.at(-1)?.snapshot).toMatchObject({ value: "completed", status: "done" })
      expect(own.every((line) => /^\d+$/.test(line.createdAt))).toBe(true)
    }
  })
})
