import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createActor, type InspectionEvent, transition } from "xstate"
import {
  decide,
  decideCommand,
  sendDecided,
  startTaskActor,
  statusOf,
  type TaskJournalEvent,
  type TaskSnapshot,
  taskMachine
} from "../src/index.js"
import { taskRunArbitrary } from "./support/commandArbitrary.js"
import { freshTask } from "./support/drive.js"

// `decide` runs the machine's transition in one inert scope it keeps for every call, and task actors adopt
// the decided snapshot instead of computing it again: both lean on XState internals. These properties hold
// them to XState's own pure `transition()`, so an upgrade of xstate that changes those internals fails here.

/** What a snapshot says about the task: its status and its whole context. */
const observed = (snapshot: TaskSnapshot) => ({ status: statusOf(snapshot), context: snapshot.context })

/** The journal events among the actions `transition()` returned, as `decide` reports them. */
const emittedBy = (actions: ReadonlyArray<{ readonly type: string; readonly params?: unknown }>) =>
  actions
    .filter((action) => action.type === "xstate.emit")
    .map((action) => (action.params as { readonly event: TaskJournalEvent }).event)

const property = { numRuns: 300, seed: 20_261_207 }

describe("decide agrees with xstate.transition()", { timeout: 180_000 }, () => {
  it("on random command streams: same status, context and journal events after every step", () => {
    fc.assert(
      fc.property(taskRunArbitrary, ([maxAttempts, commands]) => {
        let snapshot = freshTask(maxAttempts)
        for (const command of commands) {
          const [expected, actions] = transition(taskMachine, snapshot, command)
          const decision = decide(snapshot, command)
          if (decision._tag === "Rejected") {
            // Refused: XState's transition changes nothing either, and emits nothing.
            expect(observed(expected)).toEqual(observed(snapshot))
            expect(emittedBy(actions)).toEqual([])
            continue
          }
          expect(observed(decision.snapshot)).toEqual(observed(expected))
          expect(decision.events).toEqual(emittedBy(actions).map(({ seq, event }) => ({ seq, event })))
          snapshot = decision.snapshot
        }
      }),
      property
    )
  })

  it("on random command streams: an actor driven by sendDecided ends where a plain actor ends", () => {
    fc.assert(
      fc.property(taskRunArbitrary, ([maxAttempts, commands]) => {
        const inspected: Array<InspectionEvent> = []
        const adopted = startTaskActor(undefined, maxAttempts, (event) => inspected.push(event), "task-1")
        const plain = createActor(taskMachine, { input: { maxAttempts } }).start()
        for (const command of commands) {
          // A stopped (final) actor only warns about what it is sent.
          if (plain.getSnapshot().status === "done") break
          const before = adopted.getSnapshot()
          const decision = decideCommand(before, command)
          plain.send(command)
          if (decision._tag === "Accepted") sendDecided(adopted, command, before, decision.snapshot)
          expect(observed(adopted.getSnapshot())).toEqual(observed(plain.getSnapshot()))
        }
        // The inspector sees every decided command as an event the actor received.
        const received = inspected.filter((event) => event.type === "@xstate.event").length
        expect(received).toBeGreaterThanOrEqual(1)
        adopted.stop()
        plain.stop()
      }),
      property
    )
  })

  it("a command sent without a decision is computed by the machine as usual", () => {
    const actor = startTaskActor(undefined, 2, undefined, "task-1")
    actor.send({ type: "plan" })
    actor.send({ type: "start" })
    const [expected] = transition(taskMachine, transition(taskMachine, freshTask(2), { type: "plan" })[0], {
      type: "start"
    })
    expect(observed(actor.getSnapshot())).toEqual(observed(expected))
    actor.stop()
  })
})
