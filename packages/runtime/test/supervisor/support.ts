import { makeTaskId, type Principal, type PrincipalId, type TaskId } from "@coderclaw/protocol"
import { Effect, Layer, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { Authorizer, defineAgent, InMemoryJournal, type RuntimeOptions } from "../../src/index.js"
import type { Lifecycle } from "../../src/supervisor/Lifecycle.js"
import type { LiveTask } from "../../src/supervisor/LiveTask.js"
import { makeSupervisorState, type SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { alice } from "../support/harness.js"

export const echo = defineAgent({ id: "echo", name: "Echo", run: (input) => Effect.succeed(input) })

/**
 * Runs `body` with the state of a runtime (in-memory journal, permissive authorizer) in a scope, on a test
 * clock: time moves only with `TestClock.adjust`.
 */
export const withState = <A, E>(
  body: (state: SupervisorState) => Effect.Effect<A, E, Scope.Scope>,
  options: Partial<RuntimeOptions> = {}
): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(makeSupervisorState({ agents: [echo], ...options }), body)).pipe(
      Effect.provide(Layer.mergeAll(InMemoryJournal.layer, Authorizer.permissive, TestClock.layer()))
    )
  )

/** A new task of `owner` in memory and in the journal (its `created` event stored), pending. */
export const createdTask = (
  state: SupervisorState,
  fields: { maxAttempts?: number; owner?: Principal; deadline?: number } = {}
) =>
  Effect.gen(function* () {
    const id: TaskId = makeTaskId()
    const owner = fields.owner ?? alice
    const maxAttempts = fields.maxAttempts ?? 3
    const task = makeTaskRegistry(state).newLiveTask({
      id,
      agent: state.agents.get("echo") ?? echo,
      sessionId: owner.sessionId,
      parentId: undefined,
      rootId: id,
      priority: 0,
      waitingTimeoutMs: undefined,
      owner,
      maxAttempts,
      snapshot: undefined,
      children: []
    })
    state.tasks.set(id, task)
    yield* state.writer.append(
      [
        {
          taskId: id,
          seq: 1,
          at: 0,
          causedBy: owner.id,
          event: {
            type: "created",
            agentId: "echo",
            description: "a test task",
            input: { hello: "world" },
            rootId: id,
            sessionId: owner.sessionId,
            owner: owner.id,
            ownerPrincipal: owner,
            priority: 0,
            maxAttempts,
            ...(fields.deadline === undefined ? {} : { deadline: fields.deadline }),
            metadata: {}
          }
        }
      ],
      "until-stored"
    )
    return task
  })

/** One call a module made into the `Lifecycle`. */
export type Call = { readonly name: keyof Lifecycle; readonly args: ReadonlyArray<unknown> }

/**
 * A `Lifecycle` that records every call and does nothing, except what `overrides` implement: lets a module
 * be tested without the others.
 */
export const recordingLifecycle = (overrides: Partial<Lifecycle> = {}) => {
  const calls: Array<Call> = []
  const note =
    (name: keyof Lifecycle) =>
    (...args: ReadonlyArray<unknown>) => {
      calls.push({ name, args })
    }
  const lifecycle: Lifecycle = {
    apply: (task, command, causedBy, alongside) =>
      Effect.suspend(() => {
        note("apply")(task, command, causedBy, alongside)
        return overrides.apply?.(task, command, causedBy, alongside) ?? Effect.succeed([])
      }),
    applyAll: (task, commands, causedBy, alongside) =>
      Effect.suspend(() => {
        note("applyAll")(task, commands, causedBy, alongside)
        return overrides.applyAll?.(task, commands, causedBy, alongside) ?? Effect.succeed([])
      }),
    drain: Effect.suspend(() => {
      note("drain")()
      return overrides.drain ?? Effect.void
    }),
    startAgent: (task) => Effect.sync(() => note("startAgent")(task)),
    evict: (task, error) => Effect.sync(() => note("evict")(task, error)),
    settleParentIfReady: (parentId) => Effect.sync(() => note("settleParentIfReady")(parentId)),
    cancelChildren: (parentId, reason) => Effect.sync(() => note("cancelChildren")(parentId, reason)),
    submitTask: () => Effect.die(new Error("submitTask is not part of this test"))
  }
  const commandsApplied = () =>
    calls.filter((call) => call.name === "apply").map((call) => (call.args[1] as { type: string }).type)
  return { lifecycle, calls, commandsApplied }
}

export const causedByOf = (call: Call): PrincipalId => call.args[2] as PrincipalId
export type { LiveTask }
