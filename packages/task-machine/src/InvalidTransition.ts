import type { TaskStatus } from "@coderclaw/protocol"
import { statusOf, type TaskSnapshot } from "./statusOf.js"
import type { TaskCommand, TaskCommandType } from "./TaskCommand.js"
import { canTransition, commandTarget, isFinalStatus } from "./transitionTable.js"

/**
 * A command the lifecycle refused. Returned as data by `decide` (never thrown), and carried to callers as
 * the protocol's `InvalidTransition` error. For in-state commands (`progress`, `log`, …) `to` equals
 * `from`: the command is not allowed in that status.
 */
export class InvalidTransition extends Error {
  readonly _tag = "InvalidTransition"
  override readonly name = "InvalidTransition"
  readonly from: TaskStatus
  readonly to: TaskStatus
  /** The refused command's type, or `status_changed` when a recorded move is checked by `checkTransition`. */
  readonly event: TaskCommandType | "status_changed"
  readonly detail: string | undefined

  constructor(options: {
    readonly from: TaskStatus
    readonly to: TaskStatus
    readonly event: TaskCommandType | "status_changed"
    readonly detail?: string | undefined
  }) {
    const inState = options.event !== "status_changed" && commandTarget(options.event) === undefined
    const move = inState
      ? `'${options.event}' is not allowed in state '${options.from}'`
      : `cannot move from '${options.from}' to '${options.to}' ('${options.event}')`
    super(`Invalid transition: ${move}${options.detail === undefined ? "" : `: ${options.detail}`}`)
    this.from = options.from
    this.to = options.to
    this.event = options.event
    this.detail = options.detail
  }
}

const expectedReason = {
  provide_input: "input",
  children_settled: "children",
  approve: "approval",
  deny: "approval"
} as const satisfies Partial<Record<TaskCommandType, string>>

/** Why `snapshot` refuses `command`, as an `InvalidTransition` naming both statuses. */
export const invalidTransitionFor = (snapshot: TaskSnapshot, command: TaskCommand): InvalidTransition => {
  const from = statusOf(snapshot)
  const to = commandTarget(command.type) ?? from
  const { context } = snapshot
  let detail: string | undefined
  if (isFinalStatus(from)) {
    detail = `the task already ended (${from})`
  } else if (from === "waiting" && command.type in expectedReason) {
    const wanted = expectedReason[command.type as keyof typeof expectedReason]
    if (context.waitingFor !== wanted) detail = `the task is waiting for ${context.waitingFor}, not ${wanted}`
  } else if (from === "running" && command.type === "attempt_failed") {
    detail = `attempt ${context.attempt} of ${context.maxAttempts} was the last; fail the task instead`
  }
  return new InvalidTransition({ from, to, event: command.type, detail })
}

/**
 * Checks a move given as two statuses, e.g. a `status_changed` event read back from a journal or received
 * from another node: `undefined` when the lifecycle allows it, the `InvalidTransition` otherwise.
 */
export const checkTransition = (from: TaskStatus, to: TaskStatus): InvalidTransition | undefined =>
  canTransition(from, to)
    ? undefined
    : new InvalidTransition({
        from,
        to,
        event: "status_changed",
        detail: isFinalStatus(from)
          ? `the task already ended (${from})`
          : from === to
            ? "a status cannot move to itself"
            : "the lifecycle has no such move"
      })
