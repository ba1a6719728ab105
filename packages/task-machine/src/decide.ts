import type { TaskEvent } from "@coderclaw/protocol"
import { transition } from "xstate"
import { type InvalidTransition, invalidTransitionFor } from "./InvalidTransition.js"
import type { TaskSnapshot } from "./statusOf.js"
import type { TaskCommand } from "./TaskCommand.js"
import { type TaskJournalEvent, taskMachine } from "./taskMachine.js"

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
 * Decides a command against a task snapshot without running anything: the pure core the supervisor uses to
 * journal first and apply second. Accepted commands return the next snapshot and the events (numbered
 * after `snapshot.context.seq`) to append atomically; refused ones return an `InvalidTransition` and
 * leave the snapshot untouched.
 */
export const decide = (snapshot: TaskSnapshot, command: TaskCommand): TaskDecision => {
  const [next, actions] = transition(taskMachine, snapshot, command)
  if (next === snapshot) return { _tag: "Rejected", error: invalidTransitionFor(snapshot, command) }
  const events: Array<DecidedEvent> = []
  for (const action of actions) {
    // Journal events are emitted from inside `enqueueActions`, so their action type is XState's built-in
    // emit, which the machine's own action union does not list.
    const type: string = action.type
    if (type !== "xstate.emit") continue
    const emitted = (action.params as { readonly event: TaskJournalEvent }).event
    events.push({ seq: emitted.seq, event: emitted.event })
  }
  return { _tag: "Accepted", snapshot: next, events }
}
