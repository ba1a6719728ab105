import { defineAgent } from "@coderclaw/runtime"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect } from "effect"

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

export const main = async (log: (line: string) => void = console.log) => {
  const runtime = createLocalRuntime({ agents: [wordCount] })
  const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const
  const client = runtime.client(me)
  try {
    const task = await client.submit({ agentId: "word-count", description: "count words", input: "a b c" })
    for await (const { seq, event } of client.subscribe(task.id)) {
      log(event.type === "status_changed" ? `${seq} ${event.from} → ${event.to}` : `${seq} ${event.type}`)
    }
    return await client.get(task.id) // status "completed", result { words: 3 }
  } finally {
    await runtime.close()
  }
}
