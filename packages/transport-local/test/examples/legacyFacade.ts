import { defineAsyncAgent } from "@coderclaw/runtime"
import { CoderClawRuntime, LocalTransportAdapter } from "@coderclaw/transport-local"

const greeter = defineAsyncAgent({
  id: "greeter",
  name: "Greeter",
  run: async (input) => `hello, ${String(input)}`
})

export const legacy = async (log: (line: string) => void = console.log) => {
  const runtime = new CoderClawRuntime(new LocalTransportAdapter({ agents: [greeter] }), "local-only")
  try {
    const task = await runtime.submitTask({ agentId: "greeter", description: "greet", input: "world" })
    for await (const update of runtime.streamTaskUpdates(task.id)) log(`${update.seq} ${update.event.type}`)
    return await runtime.getTaskState(task.id) // status "completed", result "hello, world"
  } finally {
    await runtime.close()
  }
}
