import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createActor } from "xstate"
import {
  decide,
  restoreTaskSnapshot,
  statusOf,
  type TaskCommand,
  type TaskSnapshot,
  taskMachine
} from "../src/index.js"
import { freshTask, sampleCommands } from "./support/drive.js"

const recordOf = (snapshot: TaskSnapshot) => ({
  status: statusOf(snapshot),
  waitingFor: snapshot.context.waitingFor,
  progress: snapshot.context.progress,
  attempt: snapshot.context.attempt,
  maxAttempts: snapshot.context.maxAttempts,
  lastSeq: snapshot.context.seq,
  result: snapshot.context.result,
  error: snapshot.context.error
})

const run = (snapshot: TaskSnapshot, commands: ReadonlyArray<TaskCommand>) => {
  const events: Array<unknown> = []
  let current = snapshot
  for (const command of commands) {
    const decision = decide(current, command)
    if (decision._tag === "Accepted") {
      current = decision.snapshot
      events.push(...decision.events)
    } else {
      events.push(decision.error.message)
    }
  }
  return { snapshot: current, events }
}

const commands = fc.array(fc.constantFrom(...sampleCommands), { maxLength: 30 })

describe("restoring a task", () => {
  it("from its record behaves exactly like the original from then on", () => {
    fc.assert(
      fc.property(commands, commands, (before, after) => {
        const original = run(freshTask(), before).snapshot
        const restored = restoreTaskSnapshot(recordOf(original))
        expect(statusOf(restored)).toBe(statusOf(original))
        expect(run(restored, after).events).toEqual(run(original, after).events)
      }),
      { numRuns: 1_000 }
    )
  })

  it("from a persisted actor snapshot (JSON) behaves like the original", () => {
    fc.assert(
      fc.property(commands, commands, (before, after) => {
        const actor = createActor(taskMachine, { input: { maxAttempts: 3 } }).start()
        for (const command of before) if (actor.getSnapshot().status === "active") actor.send(command)
        const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()))
        const revived = createActor(taskMachine, { snapshot: persisted }).start()
        const seen: Array<unknown> = []
        revived.on("journal", (event) => seen.push(event))
        for (const command of after) if (revived.getSnapshot().status === "active") revived.send(command)
        const expected = run(actor.getSnapshot(), after).events.filter((entry) => typeof entry !== "string")
        expect(
          seen.map((event) => ({ seq: (event as { seq: number }).seq, event: (event as { event: unknown }).event }))
        ).toEqual(expected)
        actor.stop()
        revived.stop()
      }),
      { numRuns: 300 }
    )
  })

  it("refuses an inconsistent record", () => {
    const base = recordOf(freshTask())
    expect(() => restoreTaskSnapshot({ ...base, status: "waiting", waitingFor: undefined })).toThrow(TypeError)
    expect(() => restoreTaskSnapshot({ ...base, status: "running", waitingFor: "input" })).toThrow(TypeError)
  })
})
