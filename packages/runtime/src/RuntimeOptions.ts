import type { DeploymentMode, HealthCheck } from "@coderclaw/protocol"
import type { InspectionEvent } from "xstate"
import type { AgentDefinition } from "./agent/defineAgent.js"
import type { SkillDefinition } from "./agent/defineSkill.js"

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
   * Checks the host found at start-up, reported in every `status().health` beside the runtime's own (e.g.
   * `sandbox`, degraded when dangerous skills cannot be confined on this machine).
   */
  readonly healthChecks?: ReadonlyArray<HealthCheck>
}

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 100, factor: 2, maxDelayMs: 30_000 }

/** The delay before attempt `attempt + 1`, after attempt `attempt` failed. */
export const retryDelayMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, Math.round(policy.initialDelayMs * policy.factor ** (attempt - 1)))
