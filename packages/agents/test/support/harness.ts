import type { JsonValue, RuntimeClient, TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import {
  type AgentDefinition,
  AgentFailure,
  defineAgent,
  type SkillCall,
  type SkillDefinition,
  type SkillScope
} from "@coderclaw/runtime"
import { alice, until } from "@coderclaw/test-kit"
import { settle } from "@coderclaw/transport-conformance"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect, Exit } from "effect"
import { afterEach } from "vitest"

// Following tasks through a client is the same for every test of the repository: one set of helpers.
export { collect, reached, readUntil, settle, shape } from "@coderclaw/transport-conformance"

// The test principal and the poller are the same for every package: @coderclaw/test-kit.
export { alice, until }

/**
 * A test agent that calls any skill: input `{ skill, input, scope? }`, result the skill's result. A refused
 * or failed call fails the task with code `SKILL_ERROR` and the runtime's message.
 */
export const callerAgent = (skills: ReadonlyArray<SkillDefinition>): AgentDefinition =>
  defineAgent({
    id: "caller",
    name: "Caller",
    skills: skills.map((skill) => skill.descriptor.id),
    run: (input, ctx) => {
      const request = input as unknown as {
        readonly skill: string
        readonly input: JsonValue
        readonly scope?: SkillScope
      }
      return ctx
        .callSkill(request.skill, request.input, request.scope)
        .pipe(
          Effect.mapError(
            (error) =>
              new AgentFailure({ code: "SKILL_ERROR", message: error.message.slice(0, 3_000), retryable: false })
          )
        )
    }
  })

const open: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of open.splice(0)) await close()
})

/** A local runtime (in-memory journal, permissive authorizer) with these agents and skills, closed after the test. */
export const startRuntime = (options: {
  readonly agents?: ReadonlyArray<AgentDefinition>
  readonly skills?: ReadonlyArray<SkillDefinition>
}): RuntimeClient => {
  const skills = options.skills ?? []
  const runtime = createLocalRuntime({
    agents: [...(options.agents ?? []), ...(skills.length > 0 ? [callerAgent(skills)] : [])],
    skills,
    defaultMaxAttempts: 1,
    shutdownGraceMs: 100
  })
  open.push(() => runtime.close())
  return runtime.client(alice)
}

/** Submits a task and waits for its end. */
export const runTask = async (client: RuntimeClient, agentId: string, input: JsonValue): Promise<TaskRecord> => {
  const task = await client.submit({ agentId, description: `run ${agentId}`, input })
  return settle(client, task.id)
}

/** Calls a skill through the runtime (via the `caller` agent) and returns the task's final record. */
export const callSkill = (client: RuntimeClient, skill: string, input: JsonValue, scope?: SkillScope) =>
  runTask(client, "caller", { skill, input, ...(scope === undefined ? {} : { scope: scope as JsonValue }) })

/** The outputs a task recorded, as `[name, value]` pairs in order. */
export const outputsOf = (events: ReadonlyArray<TaskEventEnvelope>) =>
  events.flatMap(({ event }) => (event.type === "output" ? [[event.name, event.value] as const] : []))

/** Runs a skill directly (no runtime), to look at its typed error. */
export const runSkillDirectly = async (skill: SkillDefinition, input: JsonValue, scope?: SkillScope) => {
  const call: SkillCall = {
    taskId: "0190a000-0000-7000-8000-000000000000" as SkillCall["taskId"],
    agentId: "test",
    principal: alice,
    ...(scope === undefined ? {} : { scope }),
    progress: () => Effect.void,
    output: () => Effect.void,
    log: () => Effect.void
  }
  return Effect.runPromise(Effect.exit(skill.run(input, call)))
}

/** The typed error a directly run skill failed with. */
export const failureOf = async (skill: SkillDefinition, input: JsonValue, scope?: SkillScope) => {
  const exit = await runSkillDirectly(skill, input, scope)
  if (Exit.isSuccess(exit))
    throw new Error(`expected ${skill.descriptor.id} to fail, got ${JSON.stringify(exit.value)}`)
  const failure = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (failure === undefined || failure._tag !== "Fail") throw new Error(`no typed failure: ${String(exit.cause)}`)
  return failure.error as { readonly _tag: string; readonly reason: string; readonly message: string }
}
