import {
  type CallOptions,
  isRuntimeError,
  type JsonValue,
  makeTaskId,
  type RuntimeClient,
  type WorkflowDefinition
} from "@coderclaw/protocol"
import { awaitWorkflow } from "../runWorkflow.js"
import type { StepStatus } from "../workflowMachine.js"
import { type CreateWorkflowOptions, createWorkflow, type LegacyWorkflowStep } from "./createWorkflow.js"

/** A legacy workflow's status, with the original's names. */
export type LegacyWorkflowStatus = "pending" | "running" | "completed" | "failed" | "cancelled"

/** One step of a legacy workflow (the original's `Task`), keyed by step id in `LegacyWorkflow.tasks`. */
export interface LegacyWorkflowTask {
  /** The step id (`step-<n>` unless the step named one). */
  readonly id: string
  readonly description: string
  readonly agentRole: string
  /** `pending` until the run ends; then how the step ended (`skipped`: a dependency did not complete). */
  readonly status: "pending" | StepStatus
  /** The dependencies, as step ids. */
  readonly dependencies: ReadonlyArray<string>
  /** The child task that ran the step, once the run has ended. */
  readonly taskId?: string
  /** The step's real result, when it completed. */
  readonly output?: JsonValue
  /** Why the step failed, was skipped or cancelled. */
  readonly error?: string
}

/** A workflow as the original orchestrator kept it: created in memory, then executed on a runtime. */
export interface LegacyWorkflow {
  readonly id: string
  readonly steps: ReadonlyArray<LegacyWorkflowStep>
  /** The definition that runs, as `createWorkflow(steps, options)` built it. */
  readonly definition: WorkflowDefinition
  readonly tasks: ReadonlyMap<string, LegacyWorkflowTask>
  readonly status: LegacyWorkflowStatus
  readonly createdAt: Date
  /** The runtime's workflow task, once `executeWorkflow` submitted it: follow it with `client.get(taskId)`. */
  readonly taskId?: string
}

/** Why an `AgentOrchestrator` call was refused. */
export type AgentOrchestratorErrorReason = "unknown-workflow" | "already-executed" | "cancelled"

/** Thrown by `executeWorkflow` for an id it does not know, or a workflow that ran or was cancelled. */
export class AgentOrchestratorError extends Error {
  readonly _tag = "AgentOrchestratorError"
  constructor(
    readonly reason: AgentOrchestratorErrorReason,
    readonly workflowId: string
  ) {
    super(
      reason === "unknown-workflow"
        ? `Workflow ${workflowId} not found`
        : reason === "already-executed"
          ? `Workflow ${workflowId} was already executed`
          : `Workflow ${workflowId} was cancelled before it was executed`
    )
  }
}

interface Entry {
  workflow: LegacyWorkflow
  client?: RuntimeClient
  /** Set when `cancelWorkflow` came while the workflow task was being submitted. */
  cancelRequested: boolean
}

const stepTasks = (definition: WorkflowDefinition, steps: ReadonlyArray<LegacyWorkflowStep>) =>
  new Map(
    definition.steps.map((step, index): [string, LegacyWorkflowTask] => [
      step.id,
      {
        id: step.id,
        description: step.description ?? step.id,
        agentRole: steps[index]?.role ?? step.agentId,
        status: "pending",
        dependencies: step.dependsOn ?? []
      }
    ])
  )

/**
 * The original coderClaw orchestrator object, for code written against it: `createWorkflow(steps)` keeps a
 * workflow in memory, `executeWorkflow(id, client)` runs it on a runtime (the client takes the place of the
 * original's spawn context) and resolves with the completed steps' results by step id,
 * `getWorkflowStatus(id)`, `getAllWorkflows()` and `cancelWorkflow(id)` keep their names. Behind them run
 * the real workflows of this package: dependencies hold, dependents of a failed step are skipped, cancelling
 * stops the running steps. New code should call `runWorkflow` / `executeWorkflow(client, steps)` directly.
 *
 * Workflows are returned as snapshots (the original handed out its live, mutable objects); a running
 * workflow's steps read `pending` until the run ends, ask the runtime (`client.get(workflow.taskId)`) for
 * live state.
 */
export class AgentOrchestrator {
  readonly #workflows = new Map<string, Entry>()

  /** Keeps a new workflow of original-style steps; throws `UnknownDependency` like `createWorkflow`. */
  createWorkflow(steps: ReadonlyArray<LegacyWorkflowStep>, options: CreateWorkflowOptions = {}): LegacyWorkflow {
    const definition = createWorkflow(steps, options)
    const workflow: LegacyWorkflow = {
      id: makeTaskId(),
      steps: [...steps],
      definition,
      tasks: stepTasks(definition, steps),
      status: "pending",
      createdAt: new Date()
    }
    this.#workflows.set(workflow.id, { workflow, cancelRequested: false })
    return workflow
  }

  /**
   * Runs a created workflow through `client` and resolves once it has ended, with every completed step's
   * result by step id. A workflow that fails or is cancelled resolves too (read its status with
   * `getWorkflowStatus`); the submission being refused (an unknown agent, say) rejects with the runtime's
   * typed error and leaves the workflow `failed`.
   */
  async executeWorkflow(
    workflowId: string,
    client: RuntimeClient,
    options: CallOptions = {}
  ): Promise<Map<string, JsonValue>> {
    const entry = this.#workflows.get(workflowId)
    if (entry === undefined) throw new AgentOrchestratorError("unknown-workflow", workflowId)
    if (entry.workflow.status === "cancelled") throw new AgentOrchestratorError("cancelled", workflowId)
    if (entry.workflow.status !== "pending") throw new AgentOrchestratorError("already-executed", workflowId)
    entry.client = client
    entry.workflow = { ...entry.workflow, status: "running" }
    let taskId: string
    try {
      taskId = (await client.submitWorkflow(entry.workflow.definition, options)).id
    } catch (error) {
      entry.workflow = { ...entry.workflow, status: "failed" }
      throw error
    }
    entry.workflow = { ...entry.workflow, taskId }
    if (entry.cancelRequested) await this.#cancelTask(client, taskId)
    const run = await awaitWorkflow(client, taskId, options)
    const results = new Map<string, JsonValue>()
    const tasks = new Map(
      [...entry.workflow.tasks].map(([id, task]): [string, LegacyWorkflowTask] => {
        const outcome = run.result.steps[id]
        if (outcome === undefined) return [id, task]
        if (outcome.status === "completed" && outcome.result !== undefined) results.set(id, outcome.result)
        const error = outcome.error?.message ?? outcome.reason
        return [
          id,
          {
            ...task,
            status: outcome.status,
            ...(outcome.taskId === undefined ? {} : { taskId: outcome.taskId }),
            ...(outcome.result === undefined ? {} : { output: outcome.result }),
            ...(error === undefined ? {} : { error })
          }
        ]
      })
    )
    entry.workflow = { ...entry.workflow, tasks, status: run.result.status }
    return results
  }

  /** The workflow with this id, or `null` if this orchestrator created none. */
  getWorkflowStatus(workflowId: string): LegacyWorkflow | null {
    return this.#workflows.get(workflowId)?.workflow ?? null
  }

  /** Every workflow this orchestrator created, oldest first. */
  getAllWorkflows(): Array<LegacyWorkflow> {
    return [...this.#workflows.values()].map((entry) => entry.workflow)
  }

  /**
   * Cancels a workflow: one not yet executed is marked cancelled and will not run; a running one has its
   * runtime task cancelled, which cancels its running steps (its `executeWorkflow` then resolves, status
   * `cancelled`). Resolves `true` if this call cancelled it, `false` for an unknown or ended workflow.
   */
  async cancelWorkflow(workflowId: string): Promise<boolean> {
    const entry = this.#workflows.get(workflowId)
    if (entry === undefined) return false
    const { workflow } = entry
    if (workflow.status === "pending") {
      const tasks = new Map(
        [...workflow.tasks].map(([id, task]): [string, LegacyWorkflowTask] => [id, { ...task, status: "cancelled" }])
      )
      entry.workflow = { ...workflow, tasks, status: "cancelled" }
      return true
    }
    if (workflow.status !== "running" || entry.client === undefined || entry.cancelRequested) return false
    if (workflow.taskId === undefined) {
      // Still being submitted: `executeWorkflow` cancels the task as soon as it has its id.
      entry.cancelRequested = true
      return true
    }
    entry.cancelRequested = true
    return this.#cancelTask(entry.client, workflow.taskId)
  }

  async #cancelTask(client: RuntimeClient, taskId: string): Promise<boolean> {
    try {
      await client.cancel(taskId, "workflow cancelled")
      return true
    } catch (error) {
      // The workflow ended before the cancel arrived: nothing to cancel.
      if (isRuntimeError(error) && error._tag === "InvalidTransition") return false
      throw error
    }
  }
}

/** The original's shared orchestrator instance. */
export const globalOrchestrator = new AgentOrchestrator()
