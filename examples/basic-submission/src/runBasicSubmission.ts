import type { Principal, RuntimeClient, TaskEventEnvelope } from "@coderclaw/protocol"
import { defineAgent } from "@coderclaw/runtime"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect } from "effect"

/** Counts the words of its input, reporting progress per line. */
const wordCount = defineAgent({
  id: "word-count",
  name: "Word count",
  description: "Counts the words of a text, line by line.",
  run: (input, ctx) =>
    Effect.gen(function* () {
      const lines = String(input).split("\n")
      let words = 0
      for (const [index, line] of lines.entries()) {
        words += line.split(/\s+/).filter(Boolean).length
        yield* ctx.progress(((index + 1) * 100) / lines.length, `line ${index + 1} of ${lines.length}`)
      }
      return { lines: lines.length, words }
    })
})

/** Asks for a name, then greets it: the task waits for input in between. */
const greeter = defineAgent({
  id: "greeter",
  name: "Greeter",
  description: "Asks who to greet.",
  run: (_input, ctx) =>
    Effect.gen(function* () {
      const answer = yield* ctx.askInput("Who should I greet?")
      return `Hello, ${String(answer)}!`
    })
})

/** Works until cancelled. */
const patient = defineAgent({ id: "patient", name: "Patient", run: () => Effect.never })

const describe = ({ seq, event }: TaskEventEnvelope): string => {
  switch (event.type) {
    case "created":
      return `#${seq} created on ${event.agentId}`
    case "status_changed":
      return `#${seq} ${event.from} → ${event.to}${event.waitingFor === undefined ? "" : ` (for ${event.waitingFor})`}`
    case "progress":
      return `#${seq} progress ${Math.round(event.percent)}% ${event.message ?? ""}`.trimEnd()
    case "input_requested":
      return `#${seq} asks: ${event.prompt}`
    case "input_provided":
      return `#${seq} answered: ${JSON.stringify(event.input)}`
    default:
      return `#${seq} ${event.type}`
  }
}

/**
 * Prints a task's events after `afterSeq` as they happen, until the task ends or `until` says stop;
 * returns the last seq seen, to continue from there without repeating an event.
 */
const follow = async (
  client: RuntimeClient,
  taskId: string,
  log: (line: string) => void,
  options: { readonly afterSeq?: number; readonly until?: (envelope: TaskEventEnvelope) => boolean } = {}
): Promise<number> => {
  let last = options.afterSeq ?? 0
  for await (const envelope of client.subscribe(taskId, { afterSeq: last })) {
    log(`  ${describe(envelope)}`)
    last = envelope.seq
    if (options.until?.(envelope)) break
  }
  return last
}

/**
 * Submits three tasks to an in-process runtime through a `RuntimeClient` (the same interface a remote
 * client offers): one runs to completion with progress, one asks a question and is answered, one is
 * cancelled while it works.
 */
export const runBasicSubmission = async (log: (line: string) => void = console.log): Promise<void> => {
  const runtime = createLocalRuntime({ agents: [wordCount, greeter, patient] })
  const me: Principal = { id: "local:me", provider: "local", sessionId: "example", roles: [], trust: "trusted" }
  const client = runtime.client(me)
  try {
    log(`agents: ${(await client.listAgents()).map((agent) => agent.id).join(", ")}`)

    log("submit word-count")
    const counting = await client.submit({
      agentId: "word-count",
      description: "count words",
      input: "the quick brown fox\njumps over\nthe lazy dog"
    })
    await follow(client, counting.id, log)
    log(`result: ${JSON.stringify((await client.get(counting.id)).result)}`)

    log("submit greeter")
    const greeting = await client.submit({ agentId: "greeter", description: "greet someone" })
    const asked = await follow(client, greeting.id, log, {
      until: ({ event }) => event.type === "status_changed" && event.to === "waiting"
    })
    await client.provideInput(greeting.id, "Ada")
    await follow(client, greeting.id, log, { afterSeq: asked })
    log(`result: ${JSON.stringify((await client.get(greeting.id)).result)}`)

    log("submit patient, then cancel it")
    const waiting = await client.submit({ agentId: "patient", description: "wait forever" })
    await follow(client, waiting.id, log, {
      until: ({ event }) => event.type === "status_changed" && event.to === "running"
    })
    const cancelled = await client.cancel(waiting.id, "no longer needed")
    log(`status: ${cancelled.status}`)
  } finally {
    await runtime.close()
  }
}
