import { builtinAgents, builtinSkills } from "@coderclaw/agents"
import { Authorizer, InMemoryJournal, Runtime } from "@coderclaw/runtime"
import { makeLocalClient } from "@coderclaw/transport-local"
import { Layer, ManagedRuntime } from "effect"

export const main = async (root = process.cwd(), log: (line: string) => void = console.log) => {
  // The built-in agents and skills for one repository; `llm: false` keeps the LLM off whatever the environment says.
  const options = { root, llm: false } as const
  const runtime = ManagedRuntime.make(
    Runtime.layer({ agents: builtinAgents(options), skills: builtinSkills(options) }).pipe(
      Layer.provide(Layer.mergeAll(InMemoryJournal.layer, Authorizer.permissive))
    )
  )
  const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const
  const client = makeLocalClient(runtime, me)
  try {
    const task = await client.submit({ agentId: "repo-scanner", description: "scan the repository", input: {} })
    for await (const { event } of client.subscribe(task.id)) {
      if (event.type === "progress") log(`${Math.round(event.percent)}% ${event.message ?? ""}`)
    }
    return await client.get(task.id) // result: { kind: "repo-scan", files, lines, languages, todos, … }
  } finally {
    await runtime.dispose()
  }
}
