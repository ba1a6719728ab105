import { runWorkflow, stepInputOf, workflowAgent } from "@coderclaw/orchestrator"
import { defineAgent } from "@coderclaw/runtime"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect } from "effect"
import type { InspectionEvent } from "xstate"

// Agents get a step input: the step's resolved `input` and the results of its `dependsOn` steps.
const writer = defineAgent({
  id: "writer",
  name: "Writer",
  run: (input) => Effect.succeed({ text: `notes on ${JSON.stringify(stepInputOf(input)?.input)}` })
})
const counter = defineAgent({
  id: "counter",
  name: "Counter",
  run: (input) => Effect.succeed({ words: String(stepInputOf(input)?.input).split(/\s+/).length })
})

export const main = async () => {
  // Watching: pass `inspector.inspect` from @statelyai/inspect to both options to see it live.
  const workflowStates: Array<unknown> = []
  const taskActors = new Set<string>()
  const local = createLocalRuntime({
    agents: [
      workflowAgent({
        inspect: (event: InspectionEvent) => {
          if (event.type === "@xstate.snapshot") workflowStates.push((event.snapshot as { value?: unknown }).value)
        }
      }),
      writer,
      counter
    ],
    inspect: (event) => taskActors.add(event.actorRef.sessionId)
  })
  const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" } as const
  const run = await runWorkflow(local.client(me), {
    name: "write, then count",
    steps: [
      { id: "draft", agentId: "writer", description: "Write notes", input: { topic: "workflows" } },
      {
        id: "count",
        agentId: "counter",
        description: "Count the words of the notes",
        dependsOn: ["draft"],
        input: { $step: "draft", path: "text" } // the real text the draft step produced
      }
    ]
  })
  await local.close()
  // run.result.steps.count.result is { words: 3 }; workflowStates ends with "completed"
  return { run, workflowStates, taskActors: taskActors.size }
}
