import { Authorizer, defineAgent, Runtime } from "@coderclaw/runtime"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { Effect, Layer, Stream } from "effect"

const greet = defineAgent({
  id: "greet",
  name: "Greet",
  run: (input) => Effect.succeed({ greeting: `hello, ${String(input)}` })
})

const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const

// The runtime on a journal stored in `filename`: tasks and their events survive restarts.
const runtimeOn = (filename: string) =>
  Runtime.layer({ agents: [greet] }).pipe(
    Layer.provide([SqliteJournal.layer({ filename, synchronous: "full" }), Authorizer.permissive])
  )

const submit = Effect.gen(function* () {
  const runtime = yield* Runtime
  const task = yield* runtime.submit(me, { agentId: "greet", description: "greet", input: "world" })
  yield* Stream.runDrain(runtime.subscribe(me, task.id)) // ends when the task ends
  return task.id
})

export const main = async (filename: string) => {
  const taskId = await Effect.runPromise(submit.pipe(Effect.provide(runtimeOn(filename))))
  // A new runtime on the same file, as after a restart: the finished task is still there.
  const reopened = Effect.gen(function* () {
    const runtime = yield* Runtime
    return yield* runtime.get(me, taskId) // status "completed", result { greeting: "hello, world" }
  })
  return Effect.runPromise(reopened.pipe(Effect.provide(runtimeOn(filename))))
}
