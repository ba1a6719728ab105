import {
  type JsonValue,
  makeDecoder,
  type TaskRecord,
  validateWorkflow,
  WorkflowDefinition,
  type WorkflowStep
} from "@coderclaw/protocol"
import {
  type AgentContext,
  type AgentDefinition,
  AgentFailure,
  type ChildRequest,
  defineAgent,
  workflowAgentId
} from "@coderclaw/runtime"
import { Effect, Result } from "effect"
import { type Actor, createActor, type InspectionEvent } from "xstate"
import { type StepInput, stepMetadataKey } from "./StepInput.js"
import { resolveReferences, validateReferences } from "./stepReference.js"
import { type WorkflowResult, workflowOutputName, workflowResultOf } from "./WorkflowResult.js"
import { readySteps, runningSteps, type WorkflowMachine, workflowMachine } from "./workflowMachine.js"

/** Options of the workflow agent. */
export interface WorkflowAgentOptions {
  /**
   * Receives the inspection events of every workflow machine actor the agent runs (pass
   * `@statelyai/inspect`'s `inspector.inspect` to watch the steps of each workflow live). The runtime's
   * own `inspect` option shows the task actors, including each step's task.
   */
  readonly inspect?: (event: InspectionEvent) => void
}

const decodeDefinition = makeDecoder(WorkflowDefinition, "workflow")

/**
 * The agent's checkpoint: the steps it started, in the order it started them. It is saved *before* each
 * spawn, so a re-run (after a restart, a retry, or a resumed wait) replays exactly those spawns in exactly
 * that order, and the runtime's spawn replay hands back the same child tasks instead of starting the steps
 * again. A step saved but never spawned (a crash in between) is simply spawned by the replay.
 */
interface Plan {
  readonly started: ReadonlyArray<string>
}

const planOf = (checkpoint: JsonValue | undefined): Plan => {
  if (typeof checkpoint !== "object" || checkpoint === null || Array.isArray(checkpoint)) return { started: [] }
  // A checkpoint this agent did not write is ignored rather than trusted.
  const started = (checkpoint as { readonly started?: JsonValue }).started
  return Array.isArray(started) && started.every((id) => typeof id === "string") ? { started } : { started: [] }
}

const invalid = (message: string) => new AgentFailure({ code: "INVALID_WORKFLOW", message, retryable: false })

/** The definition a workflow task was submitted with, checked again: the task input is the source of truth. */
const definitionOf = (input: JsonValue) =>
  Effect.gen(function* () {
    const decoded = decodeDefinition(input)
    if (Result.isFailure(decoded)) return yield* invalid(decoded.failure.message)
    const definition = decoded.success
    const issues = [...validateWorkflow(definition), ...validateReferences(definition)]
    if (issues.length > 0) return yield* invalid(issues.map((issue) => issue.message).join("; "))
    return definition
  })

/** Drives one run of one workflow task: replays what an earlier run started, then runs the machine to its end. */
const runWorkflow = (input: JsonValue, ctx: AgentContext, options: WorkflowAgentOptions) =>
  Effect.gen(function* () {
    const definition = yield* definitionOf(input)
    const steps = new Map(definition.steps.map((step) => [step.id, step]))
    const actor = createActor(workflowMachine, {
      input: { definition },
      ...(options.inspect === undefined ? {} : { inspect: options.inspect })
    })
    return yield* Effect.acquireUseRelease(
      Effect.sync(() => actor.start()),
      (running) => drive(definition, steps, running, ctx),
      (running) => Effect.sync(() => running.stop())
    )
  })

const drive = (
  definition: WorkflowDefinition,
  steps: ReadonlyMap<string, WorkflowStep>,
  actor: Actor<WorkflowMachine>,
  ctx: AgentContext
) =>
  Effect.gen(function* () {
    const context = () => actor.getSnapshot().context
    const started = [...planOf(ctx.checkpoint).started]

    /** Feeds the machine the outcomes of child tasks that have ended. */
    const learn = (records: ReadonlyArray<TaskRecord>) => {
      for (const record of records) {
        const step = Object.values(context().steps).find((candidate) => candidate.taskId === record.id)
        if (step === undefined || step.status !== "running") continue
        if (record.status === "completed") {
          actor.send({ type: "step.completed", stepId: step.id, result: record.result ?? null })
        } else if (record.status === "failed") {
          actor.send({
            type: "step.failed",
            stepId: step.id,
            error: record.error ?? { code: "FAILED", message: "the step's task failed" }
          })
        } else if (record.status === "cancelled") {
          actor.send({ type: "step.cancelled", stepId: step.id, reason: `task ${record.id} was cancelled` })
        }
      }
    }

    /** Builds a step's input from its dependencies' real results and starts its child task. */
    const start = (stepId: string, replayed: boolean) =>
      Effect.gen(function* () {
        const step = steps.get(stepId)
        if (step === undefined) return yield* Effect.die(new Error(`the checkpoint names unknown step '${stepId}'`))
        const dependencies = step.dependsOn ?? []
        if (replayed) {
          // The earlier run started this step after its dependencies completed: their tasks have ended, so
          // this returns at once, with their results.
          const taskIds = dependencies.flatMap((id) => context().steps[id]?.taskId ?? [])
          if (taskIds.length > 0) learn(yield* ctx.awaitChildren(taskIds, { until: "all" }))
        }
        const results = new Map(
          Object.values(context().steps).flatMap((known) =>
            known.status === "completed" && known.result !== undefined ? [[known.id, known.result] as const] : []
          )
        )
        const resolved = resolveReferences(step.input ?? null, results)
        if (Result.isFailure(resolved)) {
          actor.send({
            type: "step.failed",
            stepId,
            error: { code: "INPUT_UNRESOLVED", message: `the input of step '${stepId}': ${resolved.failure}` }
          })
          return
        }
        const stepInput: StepInput = {
          workflow: definition.name,
          workflowTaskId: ctx.taskId,
          step: stepId,
          input: resolved.success,
          dependencies: Object.fromEntries(dependencies.map((id) => [id, results.get(id) ?? null]))
        }
        if (!replayed) {
          started.push(stepId)
          yield* ctx.saveCheckpoint({ started })
        }
        const taskId = yield* ctx
          .spawn(childRequest(step, stepInput))
          .pipe(
            Effect.mapError(
              (error) => new AgentFailure({ code: "STEP_NOT_STARTED", message: `step '${stepId}': ${error.message}` })
            )
          )
        actor.send({ type: "step.started", stepId, taskId, replayed })
        if (context().steps[stepId]?.status !== "running") {
          return yield* Effect.die(new Error(`the workflow machine refused to start step '${stepId}'`))
        }
        if (!replayed) yield* ctx.log("info", `step '${stepId}' started as task ${taskId}`)
      })

    for (const stepId of planOf(ctx.checkpoint).started) yield* start(stepId, true)

    let reported = -1
    for (;;) {
      for (let next = readySteps(context())[0]; next !== undefined; next = readySteps(context())[0]) {
        yield* start(next.id, false)
      }
      if (actor.getSnapshot().status === "done") break
      const running = runningSteps(context()).flatMap((step) => step.taskId ?? [])
      if (running.length === 0)
        return yield* Effect.die(new Error("the workflow has nothing running and has not ended"))
      learn(yield* ctx.awaitChildren(running, { until: "any" }))
      const ended = Object.values(context().steps).filter(
        (step) => step.status !== "waiting" && step.status !== "running"
      )
      if (ended.length !== reported) {
        reported = ended.length
        yield* ctx.progress(
          Math.round((ended.length / definition.steps.length) * 100),
          `${ended.length} of ${definition.steps.length} steps ended`
        )
      }
    }

    const snapshot = actor.getSnapshot()
    const status: WorkflowResult["status"] =
      snapshot.value === "completed" ? "completed" : snapshot.value === "cancelled" ? "cancelled" : "failed"
    const result = workflowResultOf(snapshot.context, status)
    if (status === "completed") return result as unknown as JsonValue
    yield* ctx.output(workflowOutputName, result as unknown as JsonValue)
    const setbacks = Object.entries(result.steps)
      .filter(([, outcome]) => outcome.status === "failed" || outcome.status === "cancelled")
      .map(
        ([id, outcome]) => `${id} ${outcome.status}${outcome.error === undefined ? "" : ` (${outcome.error.message})`}`
      )
    return yield* new AgentFailure({
      code: "WORKFLOW_FAILED",
      message: `workflow '${definition.name}' did not complete: ${setbacks.join("; ")}`,
      retryable: false
    })
  })

const childRequest = (step: WorkflowStep, input: StepInput): ChildRequest => ({
  agentId: step.agentId,
  description: step.description,
  input: input as unknown as JsonValue,
  metadata: { [stepMetadataKey]: step.id },
  ...(step.maxAttempts === undefined ? {} : { maxAttempts: step.maxAttempts }),
  ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs })
})

/**
 * The agent that runs workflows: register it among the runtime's agents, and `submitWorkflow` (on the
 * runtime or any `RuntimeClient`) runs each workflow as a task of this agent whose steps are its child
 * tasks. It completes with a `WorkflowResult`; when a step fails, it records that result as its `workflow`
 * output and fails with `WORKFLOW_FAILED`. Cancelling the workflow task stops it and, through the
 * runtime, its running steps; no step starts after that.
 */
export const workflowAgent = (options: WorkflowAgentOptions = {}): AgentDefinition =>
  defineAgent({
    id: workflowAgentId,
    name: "Workflow",
    description: "Runs a workflow: a DAG of steps, each a child task, started once its dependencies completed.",
    capabilities: ["workflow"],
    run: (input, ctx) => runWorkflow(input, ctx, options)
  })
