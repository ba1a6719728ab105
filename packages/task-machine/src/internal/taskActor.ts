import { type Actor, createActor, type InspectionEvent } from "xstate"
import { restoreTaskSnapshot } from "../restoreTaskSnapshot.js"
import type { TaskSnapshot } from "../statusOf.js"
import type { TaskCommand } from "../TaskCommand.js"
import { type TaskMachine, taskMachine } from "../taskMachine.js"
import { decide, type TaskDecision } from "./decide.js"

// The supervisor decides every command with the pure `decide` before it journals it, and only then sends the
// command to the task's actor. Letting the actor compute the same transition a second time doubled the
// statechart work and its garbage (XState allocates sets and snapshots for every macrostep): the actor
// adopts the decided snapshot instead. The helpers below are the only way task actors are made and driven.

/** The decision `sendDecided` hands to the actor's logic for the one `send` it makes. */
let adopting: { readonly from: TaskSnapshot; readonly command: TaskCommand; readonly next: TaskSnapshot } | undefined

/**
 * `taskMachine` itself (definition, snapshots, inspection all inherited), except that:
 * - a transition the supervisor already decided is adopted, not recomputed; any other transition runs the
 *   machine as usual. An adopted transition runs no actions: the task machine's only actions compute the
 *   context (already in the decided snapshot) and emit the journal events (already journalled);
 * - an actor starts from the very snapshot it is given. The supervisor only ever gives live snapshots
 *   (`restoreTaskSnapshot`, or the shared created snapshot), with no child actors or history to revive, so
 *   XState's restore would only rebuild an equal copy; keeping the same object also lets fresh tasks share
 *   the decisions of `decideCommand`.
 */
const taskActorLogic: TaskMachine = Object.create(taskMachine, {
  restoreSnapshot: { value: (snapshot: TaskSnapshot) => snapshot },
  transition: {
    value: (snapshot: TaskSnapshot, command: TaskCommand, scope: Parameters<TaskMachine["transition"]>[2]) => {
      const decided = adopting
      if (decided !== undefined && decided.from === snapshot && decided.command === command) {
        adopting = undefined
        return decided.next
      }
      return taskMachine.transition(snapshot, command, scope)
    }
  }
})

/** At most this many distinct `maxAttempts` values keep a ready snapshot; others are built on each call. */
const createdSnapshotLimit = 64
const createdSnapshots = new Map<number, TaskSnapshot>()

/**
 * The snapshot of a task just after its `created` event (pending, seq 1, attempt 1): what `input` would give.
 * Starting an actor from a ready snapshot costs a third of starting it from `input`, which makes XState
 * compute the machine's initial state for every task. Snapshots are immutable (every transition makes a new
 * one), so tasks with the same `maxAttempts` share one.
 */
const createdSnapshot = (maxAttempts: number): TaskSnapshot => {
  const cached = createdSnapshots.get(maxAttempts)
  if (cached !== undefined) return cached
  const snapshot = restoreTaskSnapshot({
    status: "pending",
    progress: { percent: 0 },
    attempt: 1,
    maxAttempts,
    lastSeq: 1
  })
  if (createdSnapshots.size < createdSnapshotLimit) {
    createdSnapshots.set(maxAttempts, snapshot)
    sharedDecisions.set(snapshot, new Map())
  }
  return snapshot
}

/**
 * Decisions of the scheduler's own commands (`plan`, `start`, which carry nothing) from shared snapshots: a
 * fresh task's snapshot is the shared created snapshot, so planning and starting it decides the same thing
 * for every task with the same `maxAttempts`, and is computed once. Their results are shared snapshots in
 * turn (at most two steps deep, so the cache stays as small as `createdSnapshots`).
 */
const sharedDecisions = new WeakMap<TaskSnapshot, Map<TaskCommand["type"], TaskDecision>>()

/** `decide`, computed once for the scheduler's commands on the snapshots all fresh tasks share. */
export const decideCommand = (snapshot: TaskSnapshot, command: TaskCommand): TaskDecision => {
  const shared = command.type === "plan" || command.type === "start" ? sharedDecisions.get(snapshot) : undefined
  if (shared === undefined) return decide(snapshot, command)
  const known = shared.get(command.type)
  if (known !== undefined) return known
  const decision = decide(snapshot, command)
  if (decision._tag === "Accepted") {
    shared.set(command.type, decision)
    sharedDecisions.set(decision.snapshot, new Map())
  }
  return decision
}

/**
 * Creates and starts the actor of a task: from `snapshot` (a rehydrated task), or as just created with
 * `maxAttempts` attempts. The actor's id is the task's id, so an inspector names it as callers do.
 */
export const startTaskActor = (
  snapshot: TaskSnapshot | undefined,
  maxAttempts: number,
  inspect: ((event: InspectionEvent) => void) | undefined,
  taskId: string
): Actor<TaskMachine> =>
  createActor(taskActorLogic, {
    id: taskId,
    snapshot: snapshot ?? createdSnapshot(maxAttempts),
    ...(inspect === undefined ? {} : { inspect })
  }).start()

/**
 * Sends an actor a command `decide` accepted from the actor's current snapshot `from`; the actor moves to
 * `next` (and its inspector sees the event and the new snapshot) without computing the transition again.
 */
export const sendDecided = (
  actor: Actor<TaskMachine>,
  command: TaskCommand,
  from: TaskSnapshot,
  next: TaskSnapshot
): void => {
  adopting = { from, command, next }
  try {
    actor.send(command)
  } finally {
    adopting = undefined
  }
}
