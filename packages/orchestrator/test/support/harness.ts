import type { JsonValue, RuntimeClient } from "@coderclaw/protocol"
import { type AgentDefinition, AgentFailure, defineAgent } from "@coderclaw/runtime"
import { alice, until } from "@coderclaw/test-kit"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect } from "effect"
import { afterEach } from "vitest"
import { type StepInput, stepInputOf, workflowAgent } from "../../src/index.js"

// The test principal and the poller are the same for every package: @coderclaw/test-kit.
export { alice, until }

/** How a test agent behaves for one step id. */
export interface StepBehaviour {
  readonly delayMs?: number
  /** Fails every attempt, without retry. */
  readonly fail?: boolean
  /** Fails this many first attempts (retryable), then succeeds. */
  readonly failAttempts?: number
  readonly result?: (step: StepInput) => JsonValue
}

/**
 * Agents that run workflow steps for real: each records when a step starts and ends, tracks how many run at
 * once, waits a little, and returns what it got (its input and its dependencies' results) unless told to
 * compute something else or to fail.
 */
export const makeTestAgents = (agentIds: ReadonlyArray<string>, behaviour: Record<string, StepBehaviour> = {}) => {
  const starts: Array<string> = []
  const ends: Array<string> = []
  let running = 0
  let maxRunning = 0
  const agents: Array<AgentDefinition> = agentIds.map((id) =>
    defineAgent({
      id,
      name: id,
      run: (input, ctx) =>
        Effect.gen(function* () {
          const step = stepInputOf(input)
          if (step === undefined) {
            return yield* new AgentFailure({ code: "NOT_A_STEP", message: "not a step input", retryable: false })
          }
          const plan = behaviour[step.step] ?? {}
          starts.push(step.step)
          running++
          maxRunning = Math.max(maxRunning, running)
          yield* Effect.sleep(plan.delayMs ?? 10).pipe(Effect.ensuring(Effect.sync(() => running--)))
          ends.push(step.step)
          if (plan.fail === true) {
            return yield* new AgentFailure({ code: "BROKEN", message: `step ${step.step} broke`, retryable: false })
          }
          if (ctx.attempt <= (plan.failAttempts ?? 0)) {
            return yield* new AgentFailure({ code: "FLAKY", message: `attempt ${ctx.attempt} of ${step.step} failed` })
          }
          if (plan.result !== undefined) return plan.result(step)
          return { step: step.step, by: id, input: step.input, dependencies: step.dependencies }
        })
    })
  )
  return { agents, starts, ends, maxRunning: () => maxRunning }
}

/** A local runtime with the workflow agent and the given agents, and a client acting as alice. */
export const startRuntime = (agents: ReadonlyArray<AgentDefinition>) => {
  const local = createLocalRuntime({
    agents: [workflowAgent(), ...agents],
    retry: { initialDelayMs: 5, factor: 1, maxDelayMs: 5 }
  })
  const client: RuntimeClient = local.client(alice)
  return { local, client, close: () => local.close() }
}

/** A `startRuntime` whose runtimes are closed after each test of the calling file. */
export const startRuntimePerTest = () => {
  const closes: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(closes.splice(0).map((close) => close()))
  })
  return (agents: ReadonlyArray<AgentDefinition>) => {
    const runtime = startRuntime(agents)
    closes.push(runtime.close)
    return runtime
  }
}
