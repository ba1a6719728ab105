import type { RuntimeClient, TaskEventEnvelope } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { type Confirmation, confirm } from "../src/index.js"
import { collect, readUntil, runTask, settle, startRuntime } from "./support/harness.js"

/** Waits until the task waits for input for the `nth` time, and returns the question it asked then. */
const question = async (client: RuntimeClient, taskId: string, nth = 1): Promise<string> => {
  let waits = 0
  let prompt = ""
  const seen = (envelope: TaskEventEnvelope) => {
    const { event } = envelope
    if (event.type === "input_requested") prompt = event.prompt
    if (event.type === "status_changed" && event.to === "waiting" && event.waitingFor === "input") waits++
    return waits === nth
  }
  await readUntil(client.subscribe(taskId), seen)
  return prompt
}

describe("confirm", () => {
  it("asks its question, waits for the answer and completes with the decision", async () => {
    const client = startRuntime({ agents: [confirm()] })
    const task = await client.submit({
      agentId: "confirm",
      description: "ask before deploying",
      input: { question: "Deploy to staging?" }
    })
    expect(await question(client, task.id)).toBe("Deploy to staging? (yes/no)")
    expect((await client.get(task.id)).status).toBe("waiting")
    await client.provideInput(task.id, " YES ")
    const done = await settle(client, task.id)
    expect(done).toMatchObject({ status: "completed" })
    expect(done.result).toEqual({
      kind: "confirmation",
      question: "Deploy to staging?",
      confirmed: true,
      answer: " YES "
    } satisfies Confirmation)
    const events = await collect(client.subscribe(task.id))
    expect(events.find(({ event }) => event.type === "input_requested")?.event).toMatchObject({
      schema: { oneOf: [{ type: "boolean" }, { type: "string", enum: ["yes", "no", "y", "n"] }] }
    })
  })

  it("takes the question as a string, asks a default one without, and accepts booleans", async () => {
    const client = startRuntime({ agents: [confirm()] })
    const asString = await client.submit({ agentId: "confirm", description: "ask", input: "Merge it?" })
    expect(await question(client, asString.id)).toBe("Merge it? (yes/no)")
    await client.provideInput(asString.id, false)
    expect((await settle(client, asString.id)).result).toMatchObject({ question: "Merge it?", confirmed: false })

    const plain = await client.submit({ agentId: "confirm", description: "ask", input: null })
    expect(await question(client, plain.id)).toBe("Proceed? (yes/no)")
    await client.provideInput(plain.id, "n")
    expect((await settle(client, plain.id)).result).toMatchObject({ question: "Proceed?", confirmed: false })
  })

  it("asks again after an answer that is neither yes nor no, and gives up after three", async () => {
    const client = startRuntime({ agents: [confirm()] })
    const task = await client.submit({ agentId: "confirm", description: "ask", input: { question: "Ship?" } })
    await question(client, task.id, 1)
    await client.provideInput(task.id, "maybe")
    expect(await question(client, task.id, 2)).toBe("Please answer yes or no. Ship?")
    await client.provideInput(task.id, "y")
    expect((await settle(client, task.id)).result).toMatchObject({ confirmed: true, answer: "y" })

    const stubborn = await client.submit({ agentId: "confirm", description: "ask", input: null })
    for (const [nth, answer] of [
      [1, "perhaps"],
      [2, 42],
      [3, { yes: true }]
    ] as const) {
      await question(client, stubborn.id, nth)
      await client.provideInput(stubborn.id, answer)
    }
    expect(await settle(client, stubborn.id)).toMatchObject({
      status: "failed",
      error: { code: "INVALID_ANSWER", message: "no yes or no answer after 3 questions" }
    })
  })

  it("refuses a bad question without asking anything", async () => {
    const client = startRuntime({ agents: [confirm()] })
    expect(await runTask(client, "confirm", { question: "" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    expect(await runTask(client, "confirm", { ask: "Ship?" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
  })
})
