import { Authorizer, defineAgent, Runtime } from "@coderclaw/runtime"
import { PostgresJournal, type PostgresJournalOptions } from "@coderclaw/store-postgres"
import { Effect, Layer, Stream } from "effect"

const greet = defineAgent({
  id: "greet",
  name: "Greet",
  run: (input) => Effect.succeed({ greeting: `hello, ${String(input)}` })
})

const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const

// The runtime on a journal in PostgreSQL: tasks and their events survive restarts of the process.
const runtimeOn = (database: PostgresJournalOptions) =>
  Runtime.layer({ agents: [greet] }).pipe(Layer.provide([PostgresJournal.layer(database), Authorizer.permissive]))

const submit = Effect.gen(function* () {
  const runtime = yield* Runtime
  const task = yield* runtime.submit(me, { agentId: "greet", description: "greet", input: "world" })
  yield* Stream.runDrain(runtime.subscribe(me, task.id)) // ends when the task ends
  return task.id
})

// e.g. main({ url: "postgres://coderclaw@127.0.0.1:5432/coderclaw", schema: "coderclaw" }), the password
// in PGPASSWORD.
export const main = async (database: PostgresJournalOptions) => {
  const taskId = await Effect.runPromise(submit.pipe(Effect.provide(runtimeOn(database))))
  // A new runtime on the same schema, as after a restart: the finished task is still there.
  const reopened = Effect.gen(function* () {
    const runtime = yield* Runtime
    return yield* runtime.get(me, taskId) // status "completed", result { greeting: "hello, world" }
  })
  return Effect.runPromise(reopened.pipe(Effect.provide(runtimeOn(database))))
}
