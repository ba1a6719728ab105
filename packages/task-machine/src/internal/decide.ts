import type { TaskEvent } from "@coderclaw/protocol"
import { createActor, type ExecutableActionObject } from "xstate"
import { type InvalidTransition, invalidTransitionFor } from "../InvalidTransition.js"
import type { TaskSnapshot } from "../statusOf.js"
import type { TaskCommand } from "../TaskCommand.js"
import { type TaskJournalEvent, taskMachine } from "../taskMachine.js"

/** A journal entry `decide` produced: the event and the per-task seq it must be stored under. */
export interface DecidedEvent {
  readonly seq: number
  readonly event: TaskEvent
}

/** The outcome of `decide`: the next snapshot and the events to journal, or the refusal. */
export type TaskDecision =
  | { readonly _tag: "Accepted"; readonly snapshot: TaskSnapshot; readonly events: ReadonlyArray<DecidedEvent> }
  | { readonly _tag: "Rejected"; readonly error: InvalidTransition }

/**
 * The inert scope `decide` runs the machine's transition in: it executes nothing, only collects the actions
 * the transition would run.
 *
 * XState's pure `transition(logic, snapshot, event)` does the same but builds a fresh scope on every call,
 * and that scope holds a new actor whose constructor computes the machine's whole initial state: three
 * times the cost of the transition itself, paid on every command the runtime decides. The task machine
 * spawns no children and registers nothing in the actor system, so one scope serves every call; only the
 * list that collects a call's actions changes (calls are synchronous, so they never overlap).
 */
interface InertScope {
  readonly scope: Parameters<typeof taskMachine.transition>[2]
  collected: Array<ExecutableActionObject>
}

let inert: InertScope | undefined

const inertScope = (): InertScope => {
  if (inert !== undefined) return inert
  const self = createActor(taskMachine)
  const state: InertScope = {
    collected: [],
    scope: {
      self,
      id: "",
      sessionId: "",
      logger: () => {},
      defer: () => {},
      emit: () => {},
      system: self.system,
      stopChild: () => {},
      actionExecutor: (action) => {
        state.collected.push(action)
      }
    }
  }
  inert = state
  return state
}

/**
 * Decides a command against a task snapshot without running anything: the pure core the supervisor uses to
 * journal first and apply second. Accepted commands return the next snapshot and the events (numbered
 * after `snapshot.context.seq`) to append atomically; refused ones return an `InvalidTransition` and
 * leave the snapshot untouched. Equivalent to XState's `transition(taskMachine, snapshot, command)`.
 */
export const decide = (snapshot: TaskSnapshot, command: TaskCommand): TaskDecision => {
  const state = inertScope()
  const actions: Array<ExecutableActionObject> = []
  state.collected = actions
  const next = taskMachine.transition(snapshot, command, state.scope)
  state.collected = []
  if (next === snapshot) return { _tag: "Rejected", error: invalidTransitionFor(snapshot, command) }
  const events: Array<DecidedEvent> = []
  for (const action of actions) {
    // Journal events are emitted from inside `enqueueActions`, so their action type is XState's built-in
    // emit, which the machine's own action union does not list.
    if (action.type !== "xstate.emit") continue
    const emitted = (action.params as { readonly event: TaskJournalEvent }).event
    events.push({ seq: emitted.seq, event: emitted.event })
  }
  return { _tag: "Accepted", snapshot: next, events }
}
