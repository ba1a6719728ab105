import { builtinAgents, builtinSkills, type TestRun } from "@coderclaw/agents"
import { createLocalRuntime } from "@coderclaw/transport-local"

export const runTests = async (root = process.cwd(), log: (line: string) => void = console.log) => {
  const options = { root, llm: false } as const
  const runtime = createLocalRuntime({ agents: builtinAgents(options), skills: builtinSkills(options) })
  const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const
  const client = runtime.client(me)
  try {
    const task = await client.submit({ agentId: "test-runner", description: "run the tests", input: null })
    for await (const { event } of client.subscribe(task.id)) {
      // shell.run is dangerous: the task waits until a person approves the command.
      if (event.type === "approval_requested") {
        log(`approve? ${event.summary}`)
        await client.resolveApproval(task.id, { approved: true })
      }
      // The test command's output, line by line, while it runs.
      if (event.type === "output" && event.name === "stdout") {
        for (const line of (event.value as { lines: Array<string> }).lines) log(`| ${line}`)
      }
    }
    const { result } = await client.get(task.id)
    return result as TestRun // { passed, exitCode, counts: { reporter, passed, failed, skipped, total }, … }
  } finally {
    await runtime.close()
  }
}
