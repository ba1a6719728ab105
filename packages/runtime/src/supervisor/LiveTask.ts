import type { JsonValue, Principal, TaskId, TaskRecord } from "@coderclaw/protocol"
import type { TaskMachine } from "@coderclaw/task-machine"
import type { Deferred, Semaphore } from "effect"
import type { Actor } from "xstate"
import type { AgentDefinition } from "../agent/defineAgent.js"

/** What a suspended agent fiber waits for. */
export type Waiter =
  | { readonly kind: "input"; readonly answer: Deferred.Deferred<JsonValue> }
  | {
      readonly kind: "children"
      readonly childIds: ReadonlyArray<TaskId>
      /** Resume once all of them ended, or once any one did. */
      readonly until: "all" | "any"
      readonly settled: Deferred.Deferred<ReadonlyArray<TaskRecord>>
    }
  | { readonly kind: "approval"; readonly skillId: string; readonly approved: Deferred.Deferred<void> }

/**
 * A task the supervisor holds in memory: its own XState actor (never a child of a shared parent), the lock
 * that serialises its commands, and what its agent fiber is waiting for. Final and passivated tasks are
 * dropped; their journal record is all that remains.
 */
export interface LiveTask {
  readonly id: TaskId
  readonly agent: AgentDefinition
  readonly sessionId: string
  readonly parentId: TaskId | undefined
  readonly rootId: TaskId
  readonly priority: number
  /** How long each wait may last, if limited. */
  readonly waitingTimeoutMs: number | undefined
  /** Who submitted the task; after a restart only the id is known, with no roles. */
  readonly owner: Principal
  readonly actor: Actor<TaskMachine>
  /** Serialises decide → journal → apply for this task, so seqs never race. */
  readonly lock: Semaphore.Semaphore
  waiter: Waiter | undefined
  /** The answer the task was resumed with while no agent fiber was waiting (rehydrated task). */
  pendingAnswer: JsonValue | undefined
  /** The skill a person approved while no agent fiber was waiting (rehydrated task); its next call runs. */
  pendingApproval: string | undefined
  /**
   * Child ids this task spawned, in order (replayed from the journal on a re-run); `undefined` until read
   * from the journal, for a rehydrated task.
   */
  children: Array<TaskId> | undefined
  /** Whether the task currently holds a concurrency slot. */
  holdsSlot: boolean
  /**
   * Recovered while running: its last attempt was interrupted by a stop of the runtime. The interruption is
   * journalled when the next attempt actually starts, so an attempt is only counted once it ran.
   */
  interrupted: boolean
  /** Recovered while its next attempt waited out a back-off: when that attempt may start. */
  retryAt: number | undefined
}

/**
 * The owner principal of a rehydrated task: as recorded at submission, or, for records written before the
 * principal was recorded, the bare id with no roles.
 */
export const ownerFromRecord = (record: TaskRecord): Principal =>
  record.ownerPrincipal ?? {
    id: record.owner,
    provider: "system",
    sessionId: record.sessionId,
    roles: [],
    trust: "untrusted"
  }
