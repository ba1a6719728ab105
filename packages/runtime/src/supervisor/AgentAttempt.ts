import type { JsonValue } from "@coderclaw/protocol"
import type { TaskCommand } from "@coderclaw/task-machine"
import { Cause, Data, Effect, Exit } from "effect"
import type { AgentContext } from "../agent/AgentContext.js"
import { AgentFailure } from "../agent/AgentFailure.js"
import type { AgentDefinition } from "../agent/defineAgent.js"
import { type RetryPolicy, retryDelayMs } from "../RuntimeOptions.js"

/**
 * An attempt that did not fail but was lost: the worker running it stopped renewing its lease (it died or
 * lost the network). Its task runs again as the next attempt without using up its retry budget.
 */
export class AttemptLost extends Data.TaggedError("AttemptLost")<{ readonly message: string }> {}

/** How one attempt of an agent ended. */
export type AttemptOutcome =
  | { readonly _tag: "Completed"; readonly result: JsonValue }
  | { readonly _tag: "Failed"; readonly failure: AgentFailure }
  | { readonly _tag: "Lost"; readonly message: string }

/** The failure recorded for an attempt that ended with `cause`. */
export const failureOf = (cause: Cause.Cause<unknown>): AgentFailure => {
  const error = Cause.squash(cause)
  if (error instanceof AgentFailure) return error
  const message = error instanceof Error ? error.message : String(error)
  return new AgentFailure({ code: "AGENT_ERROR", message: message.slice(0, 4_000) || "the agent failed" })
}

/**
 * One execution of a task's agent: the attempt number, the context it runs with, and `run`, which runs the
 * agent once and returns how it ended (never fails: an agent's failure is an outcome). The attempt is
 * aborted by interrupting the fiber that runs it (a cancel, a deadline, a denied approval, shutdown);
 * `defineAsyncAgent` turns that interruption into its `AbortSignal`.
 */
export interface AgentAttempt {
  readonly attempt: number
  readonly maxAttempts: number
  readonly context: AgentContext
  readonly run: Effect.Effect<AttemptOutcome>
}

const outcomeOf = (exit: Exit.Exit<JsonValue, unknown>): AttemptOutcome => {
  if (Exit.isSuccess(exit)) return { _tag: "Completed", result: exit.value }
  const error = Cause.squash(exit.cause)
  return error instanceof AttemptLost
    ? { _tag: "Lost", message: error.message }
    : { _tag: "Failed", failure: failureOf(exit.cause) }
}

/** The attempt `attempt` of `maxAttempts` of `agent` on `input`, with `context`. */
export const makeAgentAttempt = (
  agent: AgentDefinition,
  input: JsonValue,
  attempt: number,
  maxAttempts: number,
  context: AgentContext
): AgentAttempt => ({
  attempt,
  maxAttempts,
  context,
  run: Effect.map(Effect.exit(agent.run(input, context)), outcomeOf)
})

/**
 * The command that records how an attempt ended: the task completes; or a lost attempt runs again at once,
 * with one more attempt allowed; or a failure the agent did not mark as final, with attempts left, is
 * retried after the policy's back-off; or the task fails.
 */
export const attemptEnd = (
  attempt: Pick<AgentAttempt, "attempt" | "maxAttempts">,
  outcome: AttemptOutcome,
  policy: RetryPolicy
): Extract<TaskCommand, { type: "complete" | "attempt_failed" | "attempt_lost" | "fail" }> => {
  if (outcome._tag === "Completed") return { type: "complete", result: outcome.result }
  if (outcome._tag === "Lost") return { type: "attempt_lost", error: { code: "LEASE_LOST", message: outcome.message } }
  const error = { code: outcome.failure.code, message: outcome.failure.message }
  if (outcome.failure.retryable !== false && attempt.attempt < attempt.maxAttempts) {
    return { type: "attempt_failed", error, retryInMs: retryDelayMs(policy, attempt.attempt) }
  }
  return { type: "fail", error }
}
