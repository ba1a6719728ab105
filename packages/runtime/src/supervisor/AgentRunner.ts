import { statusOf, type TaskCommand } from "@coderclaw/task-machine"
import { Clock, Duration, Effect, FiberMap, Option } from "effect"
import { recordAttempt } from "../observability/RuntimeMetrics.js"
import { spanNames, withTaskSpan } from "../observability/taskSpans.js"
import { defaultRetryPolicy } from "../RuntimeOptions.js"
import { type AgentAttempt, attemptEnd, makeAgentAttempt } from "./AgentAttempt.js"
import type { MakeAgentContext } from "./agentContext.js"
import { unavailable } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { agentPrincipal, principals } from "./principals.js"
import type { SupervisorState } from "./SupervisorState.js"

const planCommand: TaskCommand = { type: "plan" }
const startCommand: TaskCommand = { type: "start" }

/** The metric label of each way an attempt ends. */
const outcomeLabel = { Completed: "completed", Failed: "failed", Lost: "lost" } as const

/** Recorded for an attempt a stop of the runtime cut short. */
export const interruptedError = { code: "INTERRUPTED", message: "the runtime stopped while this attempt ran" }

/**
 * Runs tasks' agents: a task given a slot is planned and started, then its agent runs attempt after attempt
 * (`AgentAttempt`) in one fiber per task, kept in `state.fibers`, until an attempt's end is final.
 */
export const makeAgentRunner = (
  state: SupervisorState,
  agentContext: MakeAgentContext,
  lifecycle: Pick<Lifecycle, "apply" | "applyAll" | "evict">
) => {
  const { journal } = state
  const persist = state.writer.persist
  const retryPolicy = state.options.retry ?? defaultRetryPolicy

  /** Runs one attempt in its span (`coderclaw.attempt`) and records its duration by agent and outcome. */
  const measured = (task: LiveTask, execution: AgentAttempt) =>
    Effect.timed(execution.run).pipe(
      Effect.map(([took, outcome]) => {
        const agentId = task.agent.descriptor.id
        recordAttempt(agentId, outcomeLabel[outcome._tag], Duration.toSeconds(took))
        return outcome
      }),
      Effect.withSpan(spanNames.attempt, {
        attributes: {
          "coderclaw.task_id": task.id,
          "coderclaw.agent_id": task.agent.descriptor.id,
          "coderclaw.attempt": execution.attempt
        }
      })
    )

  /** What a recovered task still owes before its next attempt: the rest of its back-off, its interruption. */
  const resumeRecovered = Effect.fnUntraced(function* (task: LiveTask) {
    if (task.retryAt !== undefined) {
      const wait = task.retryAt - (yield* Clock.currentTimeMillis)
      task.retryAt = undefined
      if (wait > 0) yield* Effect.sleep(wait)
    }
    if (task.interrupted) {
      // Recorded now, as the re-run starts, not when the task was recovered: a crash in between must not
      // use up an attempt that never ran.
      task.interrupted = false
      yield* lifecycle.apply(
        task,
        { type: "attempt_failed", error: interruptedError, retryInMs: 0 },
        principals.recovery
      )
    }
  })

  const attempts = Effect.fnUntraced(function* (task: LiveTask) {
    const stored = yield* persist(journal.loadTask(task.id))
    if (Option.isNone(stored)) return
    const input = stored.value.input
    const byAgent = agentPrincipal(task.agent.descriptor.id)
    yield* resumeRecovered(task)
    for (;;) {
      const checkpoint = yield* persist(journal.loadCheckpoint(task.id))
      const { attempt, maxAttempts } = task.actor.getSnapshot().context
      const execution = makeAgentAttempt(
        task.agent,
        input,
        attempt,
        maxAttempts,
        agentContext(task, attempt, Option.getOrUndefined(checkpoint))
      )
      const end = attemptEnd(execution, yield* measured(task, execution), retryPolicy)
      yield* lifecycle.apply(task, end, byAgent)
      if (end.type === "attempt_lost") continue
      if (end.type !== "attempt_failed") return
      yield* Effect.sleep(end.retryInMs)
    }
  })

  /**
   * Runs the agent, attempt after attempt, and records how it ended. Nothing the journal says is skipped:
   * a refused end (the task was cancelled or timed out meanwhile) stops here; a journal that refuses for
   * good evicts the task (transient failures were retried until stored).
   */
  const runAttempts = (task: LiveTask): Effect.Effect<void> =>
    attempts(task).pipe(
      Effect.catchTag("InvalidTransition", () => Effect.void),
      Effect.catchTag("Unavailable", (refused) => lifecycle.evict(task, refused)),
      Effect.catchTag("JournalError", (refused) => lifecycle.evict(task, unavailable(refused)))
    )

  /** Starts (or restarts) a running task's agent fiber. */
  const startAgent = (task: LiveTask) => FiberMap.run(state.fibers, task.id, runAttempts(task)).pipe(Effect.asVoid)

  const dispatchStep = Effect.fnUntraced(function* (task: LiveTask) {
    const status = statusOf(task.actor.getSnapshot())
    if (status === "pending") yield* lifecycle.applyAll(task, [planCommand, startCommand], principals.scheduler)
    else if (status === "planning") yield* lifecycle.apply(task, startCommand, principals.scheduler)
    if (statusOf(task.actor.getSnapshot()) === "running") yield* startAgent(task)
  })

  /**
   * Moves a task that got a slot into `running` and starts its agent. Planning and starting are one step
   * (one lock, one append): nothing happens to a task between the two.
   */
  const dispatch = (task: LiveTask) =>
    dispatchStep(task).pipe(
      // Refused: the task moved on meanwhile (cancelled or failed), and that move released its slot.
      Effect.catchTag("InvalidTransition", () => Effect.void),
      Effect.catchTag("Unavailable", (refused) => lifecycle.evict(task, refused)),
      withTaskSpan(spanNames.dispatch, task, {
        "coderclaw.task_id": task.id,
        "coderclaw.agent_id": task.agent.descriptor.id
      })
    )

  return { dispatch, startAgent }
}
