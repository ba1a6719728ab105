import { defineAgent, Runtime } from "@coderclaw/runtime"
import { Effect, Stream } from "effect"

const wordCount = defineAgent({
  id: "word-count",
  name: "Word count",
  run: (input, ctx) =>
    Effect.gen(function* () {
      const words = String(input).split(/\s+/).filter(Boolean)
      yield* ctx.progress(50, `${words.length} words`)
      return { words: words.length }
    })
})

const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const

export const program = Effect.gen(function* () {
  const runtime = yield* Runtime
  const task = yield* runtime.submit(me, { agentId: "word-count", description: "count", input: "a b c" })
  yield* Stream.runForEach(runtime.subscribe(me, task.id), (e) => Effect.log(e.seq, e.event.type))
  return yield* runtime.get(me, task.id) // status "completed", result { words: 3 }
})

export const main = () =>
  Effect.runPromise(program.pipe(Effect.provide(Runtime.layerInMemory({ agents: [wordCount] }))))
