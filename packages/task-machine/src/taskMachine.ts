import type { JsonValue, TaskEvent, TaskFailure, TaskStatus, WaitingReason } from "@coderclaw/protocol"
import { assign, enqueueActions, setup } from "xstate"
import type { TaskCommand } from "./TaskCommand.js"

/** What the statechart remembers about a task besides its state. */
export interface TaskMachineContext {
  /** Mirrors the state value, so `status_changed` events can name the status they leave. */
  readonly status: TaskStatus
  /** The seq of the last event this snapshot reflects; event 1 is always `created`. */
  readonly seq: number
  readonly waitingFor: WaitingReason | undefined
  readonly progress: { readonly percent: number; readonly message: string | undefined }
  readonly attempt: number
  readonly maxAttempts: number
  readonly result: JsonValue | undefined
  readonly error: TaskFailure | undefined
}

/** How a task's statechart starts. Defaults: just created (`seq` 1), one attempt. */
export interface TaskMachineInput {
  readonly maxAttempts?: number
}

/**
 * Emitted for every fact the journal must record, in order, with the seq it gets. A command emits one or
 * two of these (`request_input` emits `input_requested` then `status_changed`), or none when refused.
 */
export interface TaskJournalEvent {
  readonly type: "journal"
  readonly seq: number
  readonly event: TaskEvent
}

const clampPercent = (percent: number, previous: number): number =>
  Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : previous

const waitingReasonOf = (command: TaskCommand): WaitingReason | undefined => {
  switch (command.type) {
    case "request_input":
      return "input"
    case "await_children":
      return "children"
    case "request_approval":
      return "approval"
    default:
      return undefined
  }
}

/** The failure a task ends with when a person refuses its approval. */
export const approvalDeniedFailure = (reason: string | undefined): TaskFailure => ({
  code: "APPROVAL_DENIED",
  message: reason ?? "The approval was refused"
})

/** The extra fields a `status_changed` event into `to` carries, taken from the command that caused it. */
const statusChangeDetails = (to: TaskStatus, command: TaskCommand) => {
  switch (to) {
    case "waiting": {
      const waitingFor = waitingReasonOf(command)
      return waitingFor === undefined ? {} : { waitingFor }
    }
    case "completed":
      return command.type === "complete" ? { result: command.result } : {}
    case "failed":
      return command.type === "fail"
        ? { error: command.error }
        : command.type === "deny"
          ? { error: approvalDeniedFailure(command.reason) }
          : {}
    case "cancelled":
      return command.type === "cancel" && command.reason !== undefined ? { reason: command.reason } : {}
    default:
      return {}
  }
}

/**
 * The task lifecycle as a pure XState v5 statechart.
 *
 * `pending`, `planning`, `running` and `waiting` sit inside the compound state `active`, so cancelling or
 * failing from any of them is one transition of `active`. `completed`, `failed` and `cancelled` are
 * final. Every accepted command emits the journal events it produces (`TaskJournalEvent`, numbered from
 * the context's `seq`); a refused command changes nothing and emits nothing. The machine keeps no timers:
 * deadlines and retry delays belong to the supervisor, which keeps them in the journal.
 */
export const taskMachine = setup({
  types: {
    context: {} as TaskMachineContext,
    events: {} as TaskCommand,
    input: {} as TaskMachineInput | undefined,
    emitted: {} as TaskJournalEvent
  },
  actions: {
    /** Appends one fact to the journal: the next seq, emitted for the supervisor to persist. */
    journal: enqueueActions(({ enqueue, context }, event: TaskEvent) => {
      enqueue.assign({ seq: context.seq + 1 })
      enqueue.emit({ type: "journal", seq: context.seq + 1, event })
    }),
    /** Entry of every status: records the move as one `status_changed` event and remembers the status. */
    enterStatus: enqueueActions(({ enqueue, context, event }, params: { readonly status: TaskStatus }) => {
      if (context.status === params.status) return
      const details = statusChangeDetails(params.status, event)
      enqueue.assign({
        status: params.status,
        seq: context.seq + 1,
        waitingFor: params.status === "waiting" ? waitingReasonOf(event) : undefined,
        ...(params.status === "completed" && "result" in details ? { result: details.result } : {}),
        ...(params.status === "failed" && "error" in details ? { error: details.error } : {})
      })
      enqueue.emit({
        type: "journal",
        seq: context.seq + 1,
        event: { type: "status_changed", from: context.status, to: params.status, ...details }
      })
    }),
    /** Records progress (clamped to 0–100; a non-finite value keeps the last one) and journals it. */
    journalProgress: enqueueActions(({ enqueue, context, event }) => {
      if (event.type !== "progress") return
      const percent = clampPercent(event.percent, context.progress.percent)
      enqueue.assign({ progress: { percent, message: event.message }, seq: context.seq + 1 })
      enqueue.emit({
        type: "journal",
        seq: context.seq + 1,
        event: { type: "progress", percent, ...(event.message === undefined ? {} : { message: event.message }) }
      })
    }),
    countFailedAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    countLostAttempt: assign({
      attempt: ({ context }) => context.attempt + 1,
      maxAttempts: ({ context }) => context.maxAttempts + 1
    })
  },
  guards: {
    waitingForInput: ({ context }) => context.waitingFor === "input",
    waitingForChildren: ({ context }) => context.waitingFor === "children",
    waitingForApproval: ({ context }) => context.waitingFor === "approval",
    attemptsRemain: ({ context }) => context.attempt < context.maxAttempts
  }
}).createMachine({
  id: "task",
  description: "The lifecycle of one agent task. Every accepted command is journalled before it is applied.",
  context: ({ input }) => ({
    status: "pending",
    seq: 1,
    waitingFor: undefined,
    progress: { percent: 0, message: undefined },
    attempt: 1,
    maxAttempts: input?.maxAttempts ?? 1,
    result: undefined,
    error: undefined
  }),
  initial: "active",
  states: {
    active: {
      description: "The task can still change. Cancel or fail from any active status is this one transition.",
      initial: "pending",
      on: {
        cancel: { target: "cancelled" },
        fail: { target: "failed" },
        log: {
          actions: {
            type: "journal",
            params: ({ event }) => ({ type: "log", level: event.level, message: event.message })
          }
        }
      },
      states: {
        pending: {
          description: "Submitted and journalled; queued until the scheduler has a free slot.",
          entry: { type: "enterStatus", params: { status: "pending" } },
          on: { plan: { target: "planning" } }
        },
        planning: {
          description: "The scheduler picked the task up; the agent prepares its attempt.",
          entry: { type: "enterStatus", params: { status: "planning" } },
          on: {
            start: { target: "running" },
            progress: { actions: "journalProgress" },
            output: { actions: { type: "journal", params: ({ event }) => ({ ...event }) } },
            artifact: { actions: { type: "journal", params: ({ event }) => ({ ...event }) } }
          }
        },
        running: {
          description: "The agent is working: an Effect fiber per attempt, retried inside this state.",
          entry: { type: "enterStatus", params: { status: "running" } },
          on: {
            complete: { target: "#task.completed" },
            request_input: {
              target: "waiting",
              actions: {
                type: "journal",
                params: ({ event }) => ({
                  type: "input_requested",
                  prompt: event.prompt,
                  ...(event.schema === undefined ? {} : { schema: event.schema })
                })
              }
            },
            await_children: { target: "waiting" },
            request_approval: {
              target: "waiting",
              actions: {
                type: "journal",
                params: ({ event }) => ({ type: "approval_requested", skillId: event.skillId, summary: event.summary })
              }
            },
            progress: { actions: "journalProgress" },
            output: { actions: { type: "journal", params: ({ event }) => ({ ...event }) } },
            artifact: { actions: { type: "journal", params: ({ event }) => ({ ...event }) } },
            spawn_child: {
              actions: {
                type: "journal",
                params: ({ event }) => ({ type: "child_spawned", childId: event.childId, agentId: event.agentId })
              }
            },
            attempt_failed: {
              guard: "attemptsRemain",
              actions: [
                {
                  type: "journal",
                  params: ({ context, event }) => ({
                    type: "attempt_failed",
                    attempt: context.attempt,
                    maxAttempts: context.maxAttempts,
                    error: event.error,
                    retryInMs: event.retryInMs
                  })
                },
                "countFailedAttempt"
              ]
            },
            attempt_lost: {
              actions: [
                {
                  type: "journal",
                  params: ({ context, event }) => ({
                    type: "attempt_failed",
                    attempt: context.attempt,
                    maxAttempts: context.maxAttempts + 1,
                    error: event.error,
                    retryInMs: 0
                  })
                },
                "countLostAttempt"
              ]
            }
          }
        },
        waiting: {
          description:
            "Parked, costing no running work: for an answer (input), for child tasks (children) or for a person's approval (approval).",
          entry: { type: "enterStatus", params: { status: "waiting" } },
          on: {
            provide_input: {
              guard: "waitingForInput",
              target: "running",
              actions: { type: "journal", params: ({ event }) => ({ type: "input_provided", input: event.input }) }
            },
            children_settled: { guard: "waitingForChildren", target: "running" },
            approve: {
              guard: "waitingForApproval",
              target: "running",
              actions: {
                type: "journal",
                params: ({ event }) => ({
                  type: "approval_resolved",
                  approved: true,
                  ...(event.reason === undefined ? {} : { reason: event.reason })
                })
              }
            },
            deny: {
              guard: "waitingForApproval",
              target: "#task.failed",
              actions: {
                type: "journal",
                params: ({ event }) => ({
                  type: "approval_resolved",
                  approved: false,
                  ...(event.reason === undefined ? {} : { reason: event.reason })
                })
              }
            }
          }
        }
      }
    },
    completed: {
      description: "Final: the agent finished and its result is recorded.",
      type: "final",
      entry: { type: "enterStatus", params: { status: "completed" } }
    },
    failed: {
      description: "Final: the task failed (agent error after its last attempt, timeout, refused approval).",
      type: "final",
      entry: { type: "enterStatus", params: { status: "failed" } }
    },
    cancelled: {
      description: "Final: cancelled by a caller or by its parent; its work was stopped.",
      type: "final",
      entry: { type: "enterStatus", params: { status: "cancelled" } }
    }
  }
})

/** The XState logic type of `taskMachine`. */
export type TaskMachine = typeof taskMachine
