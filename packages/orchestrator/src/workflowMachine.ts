import type { JsonValue, TaskId, WorkflowDefinition } from "@coderclaw/protocol"
import { assign, setup } from "xstate"

/**
 * Where one step is: `waiting` for its dependencies (or a parallel slot), `running` as a child task, or
 * ended: `completed` (with its result), `failed` (with its error), `cancelled` (its task was cancelled, or
 * fail-fast stopped it) or `skipped` (never started, because a dependency did not complete, or fail-fast).
 */
export type StepStatus = "waiting" | "running" | "completed" | "failed" | "cancelled" | "skipped"

/** A step's error, as recorded on its task. */
export interface StepError {
  readonly code: string
  readonly message: string
}

/** What the machine knows about one step. */
export interface StepState {
  readonly id: string
  readonly dependsOn: ReadonlyArray<string>
  readonly status: StepStatus
  /** The child task running (or that ran) the step. */
  readonly taskId?: TaskId
  /** Set once `completed`. */
  readonly result?: JsonValue
  /** Set once `failed`. */
  readonly error?: StepError
  /** Why a step was `skipped` or `cancelled`. */
  readonly reason?: string
}

/** The workflow machine's context: the policy and every step's state, in definition order. */
export interface WorkflowMachineContext {
  readonly name: string
  readonly failurePolicy: "fail-fast" | "continue"
  /** Most steps running at once; `undefined` means no limit. */
  readonly maxParallel: number | undefined
  /** Step ids in definition order: ready steps start in this order. */
  readonly order: ReadonlyArray<string>
  readonly steps: Readonly<Record<string, StepState>>
}

/**
 * What drives the machine. `step.started` records a step's child task; `replayed` marks a step an earlier
 * run of the workflow agent already started (after a restart), which is recorded even when the parallel
 * limit looks full, because the outcomes that freed those slots may not have been reloaded yet.
 * `step.failed` is also accepted for a step that is ready but whose input could not be built.
 */
export type WorkflowEvent =
  | { readonly type: "step.started"; readonly stepId: string; readonly taskId: TaskId; readonly replayed?: boolean }
  | { readonly type: "step.completed"; readonly stepId: string; readonly result: JsonValue }
  | { readonly type: "step.failed"; readonly stepId: string; readonly error: StepError }
  | { readonly type: "step.cancelled"; readonly stepId: string; readonly reason: string }
  | { readonly type: "workflow.cancel"; readonly reason: string }

/** The machine's input: the (validated) definition to run. */
export interface WorkflowMachineInput {
  readonly definition: WorkflowDefinition
}

const isSettled = (status: StepStatus) => status !== "waiting" && status !== "running"

const stepsOf = (context: WorkflowMachineContext): ReadonlyArray<StepState> =>
  context.order.flatMap((id) => {
    const step = context.steps[id]
    return step === undefined ? [] : [step]
  })

const dependenciesCompleted = (context: WorkflowMachineContext, step: StepState) =>
  step.dependsOn.every((dependency) => context.steps[dependency]?.status === "completed")

/** The steps whose child tasks are running now, in definition order. */
export const runningSteps = (context: WorkflowMachineContext): ReadonlyArray<StepState> =>
  stepsOf(context).filter((step) => step.status === "running")

/**
 * The steps to start now: waiting steps whose dependencies all completed, in definition order, as many as
 * the parallel limit leaves room for. Empty once the workflow has ended (fail-fast settles every step).
 */
export const readySteps = (context: WorkflowMachineContext): ReadonlyArray<StepState> => {
  const candidates = stepsOf(context).filter(
    (step) => step.status === "waiting" && dependenciesCompleted(context, step)
  )
  if (context.maxParallel === undefined) return candidates
  return candidates.slice(0, Math.max(0, context.maxParallel - runningSteps(context).length))
}

const update = (context: WorkflowMachineContext, id: string, change: Partial<StepState>) => {
  const step = context.steps[id]
  if (step === undefined) return context
  return { ...context, steps: { ...context.steps, [id]: { ...step, ...change } } }
}

/**
 * Marks every waiting step that depends, directly or not, on a step that did not complete as skipped,
 * naming the dependency that stopped it. Repeated until nothing changes, so a skip travels down the DAG.
 */
const skipBlockedDependents = (context: WorkflowMachineContext): WorkflowMachineContext => {
  let current = context
  for (let changed = true; changed; ) {
    changed = false
    for (const step of stepsOf(current)) {
      if (step.status !== "waiting") continue
      const blocker = step.dependsOn
        .map((dependency) => current.steps[dependency])
        .find(
          (dependency) => dependency !== undefined && isSettled(dependency.status) && dependency.status !== "completed"
        )
      if (blocker === undefined) continue
      const verb = blocker.status === "skipped" ? "was skipped" : blocker.status
      current = update(current, step.id, { status: "skipped", reason: `dependency '${blocker.id}' ${verb}` })
      changed = true
    }
  }
  return current
}

/** Fail-fast: after `culprit` failed or was cancelled, nothing else runs or starts. */
const stopEverything = (context: WorkflowMachineContext, culprit: string): WorkflowMachineContext => {
  let current = skipBlockedDependents(context)
  for (const step of stepsOf(current)) {
    if (step.status === "running") {
      current = update(current, step.id, {
        status: "cancelled",
        reason: `fail-fast: step '${culprit}' did not complete`
      })
    } else if (step.status === "waiting") {
      current = update(current, step.id, { status: "skipped", reason: `fail-fast: step '${culprit}' did not complete` })
    }
  }
  return current
}

/** After a step failed or was cancelled: skip its dependents, or, with fail-fast, stop everything. */
const afterSetback = (context: WorkflowMachineContext, culprit: string) =>
  context.failurePolicy === "fail-fast" ? stopEverything(context, culprit) : skipBlockedDependents(context)

const stepIdOf = (event: WorkflowEvent) => ("stepId" in event ? event.stepId : undefined)

/** The context a definition starts with: every step waiting. */
export const initialWorkflowContext = (definition: WorkflowDefinition): WorkflowMachineContext => ({
  name: definition.name,
  failurePolicy: definition.failurePolicy ?? "fail-fast",
  maxParallel: definition.maxParallel,
  order: definition.steps.map((step) => step.id),
  steps: Object.fromEntries(
    definition.steps.map((step) => [step.id, { id: step.id, dependsOn: step.dependsOn ?? [], status: "waiting" }])
  )
})

/**
 * A workflow run as a statechart: which steps wait, run and ended, and which may start next. Pure (no
 * I/O, no timers): the workflow agent of this package feeds it the outcomes of its child tasks and starts
 * what `readySteps` returns; tests drive it with XState's `transition()`; the inspector can show it.
 *
 * Events that do not fit the current state of a step (a second start, an outcome for a step that is not
 * running) are ignored, so a replayed or late outcome can never move a step backwards.
 */
export const workflowMachine = setup({
  types: {
    context: {} as WorkflowMachineContext,
    events: {} as WorkflowEvent,
    input: {} as WorkflowMachineInput
  },
  guards: {
    mayStart: ({ context, event }) => {
      if (event.type !== "step.started") return false
      const step = context.steps[event.stepId]
      if (step === undefined || step.status !== "waiting" || !dependenciesCompleted(context, step)) return false
      return (
        event.replayed === true ||
        context.maxParallel === undefined ||
        runningSteps(context).length < context.maxParallel
      )
    },
    isRunning: ({ context, event }) => {
      const id = stepIdOf(event)
      return id !== undefined && context.steps[id]?.status === "running"
    },
    mayFail: ({ context, event }) => {
      const id = stepIdOf(event)
      const step = id === undefined ? undefined : context.steps[id]
      if (step === undefined) return false
      return step.status === "running" || (step.status === "waiting" && dependenciesCompleted(context, step))
    },
    allCompleted: ({ context }) => stepsOf(context).every((step) => step.status === "completed"),
    allSettled: ({ context }) => stepsOf(context).every((step) => isSettled(step.status))
  },
  actions: {
    recordStart: assign(({ context, event }) =>
      event.type === "step.started"
        ? update(context, event.stepId, { status: "running", taskId: event.taskId })
        : context
    ),
    recordCompletion: assign(({ context, event }) =>
      event.type === "step.completed"
        ? update(context, event.stepId, { status: "completed", result: event.result })
        : context
    ),
    recordFailure: assign(({ context, event }) =>
      event.type === "step.failed"
        ? afterSetback(update(context, event.stepId, { status: "failed", error: event.error }), event.stepId)
        : context
    ),
    recordCancellation: assign(({ context, event }) =>
      event.type === "step.cancelled"
        ? afterSetback(update(context, event.stepId, { status: "cancelled", reason: event.reason }), event.stepId)
        : context
    ),
    cancelEverything: assign(({ context, event }) => {
      if (event.type !== "workflow.cancel") return context
      let current = context
      for (const step of stepsOf(current)) {
        if (step.status === "running") current = update(current, step.id, { status: "cancelled", reason: event.reason })
        if (step.status === "waiting") current = update(current, step.id, { status: "skipped", reason: event.reason })
      }
      return current
    })
  }
}).createMachine({
  id: "workflow",
  description: "A DAG of steps, each run as a child task of the workflow task once its dependencies completed.",
  context: ({ input }) => initialWorkflowContext(input.definition),
  initial: "running",
  states: {
    running: {
      description:
        "Steps start when every dependency completed and a parallel slot is free; a step whose dependency " +
        "failed, was cancelled or skipped is skipped; with fail-fast, the first failure stops everything.",
      always: [
        { guard: "allCompleted", target: "completed" },
        { guard: "allSettled", target: "failed" }
      ],
      on: {
        "step.started": { guard: "mayStart", actions: "recordStart" },
        "step.completed": { guard: "isRunning", actions: "recordCompletion" },
        "step.failed": { guard: "mayFail", actions: "recordFailure" },
        "step.cancelled": { guard: "isRunning", actions: "recordCancellation" },
        "workflow.cancel": { target: "cancelled", actions: "cancelEverything" }
      }
    },
    completed: { type: "final", description: "Every step completed; the result holds each step's result." },
    failed: {
      type: "final",
      description: "Every step ended, and at least one failed, was cancelled or was skipped."
    },
    cancelled: {
      type: "final",
      description: "The workflow was cancelled: running steps were cancelled, waiting ones skipped."
    }
  }
})

/** The workflow machine's type, for typing actors and snapshots. */
export type WorkflowMachine = typeof workflowMachine
