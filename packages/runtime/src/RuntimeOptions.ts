import type { DeploymentMode, HealthCheck } from "@coderclaw/protocol"
import type { InspectionEvent } from "xstate"
import type { AgentDefinition } from "./agent/defineAgent.js"
import type { SkillDefinition } from "./agent/defineSkill.js"
import type { LeaseTiming } from "./workers/WorkerHub.js"

/** How tasks are retried after a failed attempt: exponential backoff, capped. */
export interface RetryPolicy {
  readonly initialDelayMs: number
  readonly factor: number
  readonly maxDelayMs: number
}

/** Everything a runtime is configured with. Only `agents` is required. */
export interface RuntimeOptions {
  /** The agents tasks may run on. */
  readonly agents: ReadonlyArray<AgentDefinition>
  /** The skills agents may call. */
  readonly skills?: ReadonlyArray<SkillDefinition>
  /** Most tasks planning or running at once. Default 16. */
  readonly maxConcurrentTasks?: number
  /** Most tasks queued (pending) at once; beyond it `submit` fails with `Overloaded`. Default 10,000. */
  readonly maxQueued?: number
  /** Attempts a task gets when its request names none. Default 3. */
  readonly defaultMaxAttempts?: number
  /** Backoff between attempts. Default 100 ms, ×2, at most 30 s. */
  readonly retry?: RetryPolicy
  /** Reported by `status()`. Default `local-only`. */
  readonly mode?: DeploymentMode
  /** This node's id, reported by `status()`. Default: a random id. */
  readonly nodeId?: string
  /**
   * Receives the inspection events of every task actor: pass `@statelyai/inspect`'s `inspector.inspect`
   * to watch all task statecharts live.
   */
  readonly inspect?: (event: InspectionEvent) => void
  /** Events buffered per live subscriber before it is switched to catching up from the journal. Default 1,024. */
  readonly subscriberBuffer?: number
  /**
   * Stop the actor and agent of a task while it waits, keeping nothing but its journal record in memory;
   * it is rehydrated (and its agent re-run from its checkpoint) when it resumes. Default false.
   */
  readonly passivateWaiting?: boolean
  /** How long `shutdown` lets running attempts finish before interrupting them. Default 5,000 ms. */
  readonly shutdownGraceMs?: number
  /**
   * Back-off between retries of a journal write that failed transiently (disk full, busy, I/O error). The
   * runtime's own steps (an attempt's end, dispatch, deadlines, recovery) retry until the write is stored,
   * so tasks resume by themselves when the journal does. Default 50 ms, ×2, at most 2 s.
   */
  readonly journalRetry?: RetryPolicy
  /**
   * How long a caller's write (submit, cancel, input, approval) retries a transiently failing journal before
   * the call fails with a retryable `Unavailable`. Default 5,000 ms.
   */
  readonly journalWaitMs?: number
  /**
   * How long an `idempotencyKey` of `submit` is remembered: a retry with the same key within this window
   * returns the task the first call created. Default 24 hours.
   */
  readonly idempotencyWindowMs?: number
  /**
   * Checks the host found at start-up, reported in every `status().health` beside the runtime's own (e.g.
   * `sandbox`, degraded when dangerous skills cannot be confined on this machine).
   */
  readonly healthChecks?: ReadonlyArray<HealthCheck>
  /**
   * Leases of attempts running on remote workers: how long one lives without a heartbeat, how often workers
   * heartbeat, how often expiries are looked for. Default 8 s / 2 s / 0.5 s (see docs/workers.md).
   */
  readonly leaseTiming?: LeaseTiming
}

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 100, factor: 2, maxDelayMs: 30_000 }

/** The default back-off of journal writes that failed transiently. */
export const defaultJournalRetryPolicy: RetryPolicy = { initialDelayMs: 50, factor: 2, maxDelayMs: 2_000 }

/** The default bound on a caller's wait for a failing journal. */
export const defaultJournalWaitMs = 5_000

/** The default time an idempotency key is remembered: 24 hours. */
export const defaultIdempotencyWindowMs = 86_400_000

/** The delay before attempt `attempt + 1`, after attempt `attempt` failed. */
export const retryDelayMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, Math.round(policy.initialDelayMs * policy.factor ** (attempt - 1)))
