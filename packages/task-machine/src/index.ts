/**
 * `@coderclaw/task-machine`: the task lifecycle as a pure XState v5 statechart, with the transition table
 * and helpers read off the machine itself. No Effect, no I/O, no timers: usable in the Stately inspector,
 * in tests with `transition()`, and inside the runtime's supervisor alike.
 *
 * @packageDocumentation
 */

export { checkTransition, InvalidTransition, invalidTransitionFor } from "./InvalidTransition.js"
// `decide` and the task actors lean on XState internals (an inert transition scope, an actor logic that
// adopts decided snapshots): they live in `internal/`, tested against XState's own `transition()`.
export { type DecidedEvent, decide, type TaskDecision } from "./internal/decide.js"
export { decideCommand, sendDecided, startTaskActor } from "./internal/taskActor.js"
export { restoreTaskSnapshot, type TaskSnapshotSource } from "./restoreTaskSnapshot.js"
export { statusOf, type TaskSnapshot } from "./statusOf.js"
export type { TaskCommand, TaskCommandType } from "./TaskCommand.js"
export {
  approvalDeniedFailure,
  type TaskJournalEvent,
  type TaskMachine,
  type TaskMachineContext,
  type TaskMachineInput,
  taskMachine
} from "./taskMachine.js"
export {
  canTransition,
  commandsFor,
  commandTarget,
  isFinalStatus,
  reachableStatuses,
  taskStatuses,
  transitionTable
} from "./transitionTable.js"
