import type { AttemptEnd, JsonValue, WorkerDispatchNotification } from "@coderclaw/protocol"
import { type AgentContext, type AgentDefinition, AgentFailure } from "@coderclaw/runtime"
import { Cause, Effect, Exit, Fiber } from "effect"

/** Why a failure ended the attempt, as the wire reports it. */
const failedEnd = (cause: Cause.Cause<unknown>): AttemptEnd => {
  const error = Cause.squash(cause)
  if (error instanceof AgentFailure) {
    return {
      type: "failed",
      code: error.code.slice(0, 64),
      message: error.message.slice(0, 4_000) || "the agent failed",
      ...(error.retryable === undefined ? {} : { retryable: error.retryable })
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { type: "failed", code: "AGENT_ERROR", message: message.slice(0, 4_000) || "the agent failed" }
}

/**
 * One attempt running on this worker, under one lease: it owns the fiber of the agent's run and the reason
 * it was aborted, and `run()` resolves with how the attempt ended, or `undefined` when it was aborted (the
 * server no longer wants its end). The worker holds these objects, keyed by lease id.
 */
export class WorkerAttempt {
  readonly leaseId: string
  private fiber: Fiber.Fiber<JsonValue, unknown> | undefined
  private abortedBecause: string | undefined

  constructor(
    readonly dispatch: WorkerDispatchNotification,
    private readonly agent: AgentDefinition,
    private readonly context: AgentContext
  ) {
    this.leaseId = dispatch.leaseId
  }

  /** Runs the agent once; `undefined` when aborted. */
  async run(): Promise<AttemptEnd | undefined> {
    const fiber = Effect.runFork(Effect.suspend(() => this.agent.run(this.dispatch.input, this.context)))
    this.fiber = fiber
    if (this.abortedBecause !== undefined) fiber.interruptUnsafe()
    const exit = await Effect.runPromise(Fiber.await(fiber))
    if (this.abortedBecause !== undefined || (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)))
      return undefined
    return Exit.isSuccess(exit) ? { type: "completed", result: exit.value } : failedEnd(exit.cause)
  }

  /** Stops the attempt (cancelled, timed out, lease lost): interrupts the agent's fiber. */
  abort(reason: string): void {
    if (this.abortedBecause !== undefined) return
    this.abortedBecause = reason
    this.fiber?.interruptUnsafe()
  }

  /** Why it was aborted, if it was. */
  get aborted(): string | undefined {
    return this.abortedBecause
  }
}
