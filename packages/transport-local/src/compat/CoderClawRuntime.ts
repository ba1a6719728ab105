import {
  type AgentDescriptor,
  type DeploymentMode,
  isRuntimeError,
  isTerminalStatus,
  type RuntimeStatus,
  type SkillDescriptor,
  type SubmitRequest,
  type TaskEventEnvelope,
  type TaskRecord
} from "@coderclaw/protocol"
import type { TransportAdapter } from "./TransportAdapter.js"

/** The original name of the deployment mode. */
export type RuntimeMode = DeploymentMode

/** The original name of a submit request: the protocol's `SubmitRequest`, as plain JSON. */
export type TaskSubmitRequest = typeof SubmitRequest.Encoded

/** What each mode needs that an adapter lacking it does not provide. */
const requirements: Record<DeploymentMode, string> = {
  "local-only": "an adapter for a runtime in this process, such as LocalTransportAdapter",
  "remote-enabled":
    "an adapter that talks to a runtime server over WebSocket with authentication (@coderclaw/transport-ws)",
  "distributed-cluster":
    "an adapter for a cluster of runtime nodes sharing one journal (the distributed-cluster deployment)"
}

/**
 * The original coderClaw entry point, kept for code written against it: the same class, constructor and
 * method names, with the real runtime behind them. New code should use a `RuntimeClient` directly, which
 * also offers `list`, `provideInput` and `subscribeAll`.
 *
 * Construction fails when the adapter cannot serve `mode`, naming what that mode needs: with a
 * `LocalTransportAdapter` only `"local-only"` works.
 */
export class CoderClawRuntime {
  readonly adapter: TransportAdapter
  readonly mode: RuntimeMode

  constructor(adapter: TransportAdapter, mode: RuntimeMode = "local-only") {
    if (!adapter.modes.includes(mode)) {
      throw new Error(
        `CoderClawRuntime cannot run in mode "${mode}": it needs ${requirements[mode]}, ` +
          `but the given adapter serves only ${adapter.modes.map((served) => `"${served}"`).join(", ")}.`
      )
    }
    this.adapter = adapter
    this.mode = mode
  }

  /** Submits a task; resolves with its `pending` record. Rejects with the runtime's typed errors. */
  submitTask(request: TaskSubmitRequest): Promise<TaskRecord> {
    return this.adapter.client.submit(request)
  }

  /** The task's current record, or `undefined` when no visible task has that id. */
  async getTaskState(taskId: string): Promise<TaskRecord | undefined> {
    try {
      return await this.adapter.client.get(taskId)
    } catch (error) {
      // A malformed id names no task either, as it did in the original API.
      if (isRuntimeError(error) && (error._tag === "TaskNotFound" || error._tag === "InvalidRequest")) return undefined
      throw error
    }
  }

  /**
   * Every event of the task from its creation, then live ones as they happen, ending after the final
   * status change. Nothing is lost, whenever you start reading.
   */
  async *streamTaskUpdates(taskId: string): AsyncIterableIterator<TaskEventEnvelope> {
    yield* this.adapter.client.subscribe(taskId)
  }

  /**
   * Cancels the task and its active children, stopping their work: `true` when this call cancelled it,
   * `false` when it had already ended (completed, failed or cancelled). Rejects with `TaskNotFound` for an
   * id no visible task has.
   */
  async cancelTask(taskId: string, reason?: string): Promise<boolean> {
    try {
      await this.adapter.client.cancel(taskId, reason)
      return true
    } catch (error) {
      if (isRuntimeError(error) && error._tag === "InvalidTransition") {
        // The refusal says the task was not active; the record confirms it ended rather than trusting that.
        const current = await this.adapter.client.get(taskId)
        if (isTerminalStatus(current.status)) return false
      }
      throw error
    }
  }

  /** The agents tasks may be submitted to. */
  listAgents(): Promise<ReadonlyArray<AgentDescriptor>> {
    return this.adapter.client.listAgents()
  }

  /** The skills agents may call. */
  listSkills(): Promise<ReadonlyArray<SkillDescriptor>> {
    return this.adapter.client.listSkills()
  }

  /** The runtime's measured status: task counts per state, queue depth, uptime, mode, node and health. */
  getStatus(): Promise<RuntimeStatus> {
    return this.adapter.client.status()
  }

  /** Closes the adapter (and the runtime, if the adapter started it). */
  close(): Promise<void> {
    return this.adapter.close()
  }
}
