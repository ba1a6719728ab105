import { isTerminalStatus, makeDecoder, TaskEvent, type TaskStatus } from "@coderclaw/protocol"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createActor } from "xstate"
import { canTransition, decide, reachableStatuses, statusOf, type TaskJournalEvent, taskMachine } from "../src/index.js"
import { commandArbitrary, taskRunArbitrary } from "./support/commandArbitrary.js"
import { freshTask } from "./support/drive.js"

const decodeEvent = makeDecoder(TaskEvent, "task event")
const reachable = reachableStatuses()

// Thousands of generated sequences are pure CPU work: a generous budget keeps a busy machine from failing them.
describe("model-based: random command sequences", { timeout: 180_000 }, () => {
  it("keep every lifecycle invariant", () => {
    fc.assert(
      fc.property(taskRunArbitrary, ([maxAttempts, commands]) => {
        let snapshot = freshTask(maxAttempts)
        let lastSeq = 1
        let status: TaskStatus = "pending"
        let terminalEvents = 0
        for (const command of commands) {
          const decision = decide(snapshot, command)
          if (decision._tag === "Rejected") {
            // A refusal names where the task is and changes nothing.
            expect(decision.error.from).toBe(status)
            continue
          }
          // Once final, nothing is ever accepted again.
          expect(isTerminalStatus(status)).toBe(false)
          for (const { seq, event } of decision.events) {
            expect(seq).toBe(lastSeq + 1)
            lastSeq = seq
            expect(Result.isSuccess(decodeEvent(event))).toBe(true)
            if (event.type === "progress") {
              expect(event.percent).toBeGreaterThanOrEqual(0)
              expect(event.percent).toBeLessThanOrEqual(100)
            }
            if (event.type === "status_changed") {
              expect(event.from).toBe(status)
              expect(canTransition(event.from, event.to)).toBe(true)
              status = event.to
              if (isTerminalStatus(event.to)) terminalEvents++
            }
          }
          snapshot = decision.snapshot
          expect(statusOf(snapshot)).toBe(status)
          expect(snapshot.context.status).toBe(status)
          expect(reachable.has(status)).toBe(true)
          expect(snapshot.context.seq).toBe(lastSeq)
          expect(snapshot.context.progress.percent).toBeGreaterThanOrEqual(0)
          expect(snapshot.context.progress.percent).toBeLessThanOrEqual(100)
          expect(snapshot.context.attempt).toBeLessThanOrEqual(maxAttempts)
          expect(snapshot.context.waitingFor !== undefined).toBe(status === "waiting")
        }
        expect(terminalEvents).toBeLessThanOrEqual(1)
        expect(terminalEvents === 1).toBe(isTerminalStatus(status))
      }),
      { numRuns: 3_000 }
    )
  })

  it("a live actor emits exactly the events the pure decide produces", () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 40 }), (commands) => {
        const actor = createActor(taskMachine, { input: { maxAttempts: 2 } })
        const emitted: Array<Omit<TaskJournalEvent, "type">> = []
        actor.on("journal", ({ seq, event }) => emitted.push({ seq, event }))
        actor.start()
        let snapshot = freshTask(2)
        const decided: Array<Omit<TaskJournalEvent, "type">> = []
        for (const command of commands) {
          // A finished actor ignores events (XState warns); the pure decision must refuse them too.
          if (actor.getSnapshot().status === "active") actor.send(command)
          const decision = decide(snapshot, command)
          if (decision._tag === "Accepted") {
            snapshot = decision.snapshot
            decided.push(...decision.events)
          }
        }
        expect(emitted).toEqual(decided)
        expect(actor.getSnapshot().value).toEqual(snapshot.value)
        expect(actor.getSnapshot().context).toEqual(snapshot.context)
        actor.stop()
      }),
      { numRuns: 500 }
    )
  })
})
