import type { TaskStatus } from "@coderclaw/protocol"
import type { AnyStateNode } from "xstate"
import type { TaskCommandType } from "./TaskCommand.js"
import { taskMachine } from "./taskMachine.js"

// Everything in this module is read off `taskMachine` itself, so the table, `canTransition` and the
// statechart cannot disagree: change the machine and these follow.

const leafStatusNodes = (node: AnyStateNode): Array<AnyStateNode> => {
  const children = Object.values(node.states) as Array<AnyStateNode>
  return children.length === 0 ? [node] : children.flatMap(leafStatusNodes)
}

const ancestry = (node: AnyStateNode): Array<AnyStateNode> =>
  node.parent === undefined ? [node] : [node, ...ancestry(node.parent)]

const statusNodes = leafStatusNodes(taskMachine.root)

/** Every status of the lifecycle, in the order the statechart declares them. */
export const taskStatuses: ReadonlyArray<TaskStatus> = statusNodes.map((node) => node.key as TaskStatus)

interface Move {
  readonly from: TaskStatus
  readonly to: TaskStatus
  readonly command: TaskCommandType
}

const moves: ReadonlyArray<Move> = statusNodes.flatMap((node) =>
  ancestry(node).flatMap((owner) =>
    [...owner.transitions.entries()].flatMap(([command, definitions]) =>
      definitions.flatMap((definition) =>
        (definition.target ?? []).map((target: AnyStateNode) => ({
          from: node.key as TaskStatus,
          to: target.key as TaskStatus,
          command: command as TaskCommandType
        }))
      )
    )
  )
)

/** For each status, the statuses it may move to (never itself; final statuses move nowhere). */
export const transitionTable: { readonly [From in TaskStatus]: ReadonlyArray<TaskStatus> } = Object.fromEntries(
  taskStatuses.map((from) => [from, [...new Set(moves.filter((move) => move.from === from).map((move) => move.to))]])
) as unknown as { readonly [From in TaskStatus]: ReadonlyArray<TaskStatus> }

/** True when the lifecycle allows a task in `from` to move to `to`. */
export const canTransition = (from: TaskStatus, to: TaskStatus): boolean => transitionTable[from].includes(to)

/** The commands that move a task from `from` to `to` (empty when the move is not allowed). */
export const commandsFor = (from: TaskStatus, to: TaskStatus): ReadonlyArray<TaskCommandType> =>
  moves.filter((move) => move.from === from && move.to === to).map((move) => move.command)

const targetByCommand = new Map<TaskCommandType, TaskStatus>(moves.map((move) => [move.command, move.to]))

/**
 * The status a command moves a task to, wherever it is accepted; `undefined` for in-state commands
 * (`progress`, `log`, …) that leave the status as it is.
 */
export const commandTarget = (command: TaskCommandType): TaskStatus | undefined => targetByCommand.get(command)

/** The statuses reachable from `pending` by following the table; every status, for a sound lifecycle. */
export const reachableStatuses = (start: TaskStatus = "pending"): ReadonlySet<TaskStatus> => {
  const seen = new Set<TaskStatus>([start])
  const queue: Array<TaskStatus> = [start]
  for (let status = queue.shift(); status !== undefined; status = queue.shift()) {
    for (const next of transitionTable[status]) {
      if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return seen
}

const finalStatuses = new Set<TaskStatus>(
  statusNodes.filter((node) => node.type === "final").map((node) => node.key as TaskStatus)
)

/** True when the status is a final state of the statechart: the task never changes again. */
export const isFinalStatus = (status: TaskStatus): boolean => finalStatuses.has(status)
