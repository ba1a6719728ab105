import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { type LlmOptions, llmAgent, llmChat } from "../src/index.js"
import { completion, type FakeAnswer, type ReceivedRequest, startFakeLlm } from "./support/fakeLlmServer.js"
import { callSkill, collect, failureOf, outputsOf, reached, runTask, settle, startRuntime } from "./support/harness.js"

const apiKey = "sk-test-0123456789abcdef"

const endpoint = async (answer: (request: ReceivedRequest) => FakeAnswer, options: Partial<LlmOptions> = {}) => {
  const server = await startFakeLlm(answer)
  const llm: LlmOptions = {
    baseUrl: `${server.url}/v1/`,
    model: "fake-model",
    apiKey: Redacted.make(apiKey),
    ...options
  }
  return { server, llm }
}

const hello = [{ role: "user", content: "Say hello" }]

describe("llm.chat", () => {
  it("posts an OpenAI-style chat completion request and returns the parsed reply", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("Hello!", "fake-model-2024") }), {
      maxTokens: 1_000
    })
    const client = startRuntime({ skills: [llmChat(llm)] })
    const task = await callSkill(client, "llm.chat", {
      messages: [{ role: "system", content: "Answer in one line." }, ...hello],
      temperature: 0.2,
      maxTokens: 50_000
    })
    expect(task.status).toBe("completed")
    expect(task.result).toEqual({
      content: "Hello!",
      model: "fake-model-2024",
      finishReason: "stop",
      usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 }
    })
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request).toMatchObject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "application/json" }
    })
    expect(JSON.parse(request?.body ?? "")).toEqual({
      model: "fake-model",
      messages: [
        { role: "system", content: "Answer in one line." },
        { role: "user", content: "Say hello" }
      ],
      temperature: 0.2,
      // Capped by the configured `maxTokens`.
      max_tokens: 1_000
    })
  })

  it("sends no Authorization header without an API key, and fills in what a minimal answer leaves out", async () => {
    const server = await startFakeLlm(() => ({ status: 200, body: { choices: [{ message: { content: null } }] } }))
    const llm = { baseUrl: server.url, model: "fake-model" }
    const task = await callSkill(startRuntime({ skills: [llmChat(llm)] }), "llm.chat", { messages: hello })
    expect(task.result).toEqual({ content: "", model: "fake-model", finishReason: null, usage: null })
    expect(server.requests[0]?.url).toBe("/chat/completions")
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })

  it("turns each HTTP refusal into a typed LlmError, with the API key kept out of it", async () => {
    const refusal = (status: number, message: string) => async () => {
      const { llm } = await endpoint(() => ({ status, body: { error: { message } } }))
      return failureOf(llmChat(llm), { messages: hello })
    }
    const unauthorized = await refusal(401, `Incorrect API key provided: ${apiKey}`)()
    expect(unauthorized).toMatchObject({ _tag: "LlmError", reason: "Unauthorized", status: 401 })
    expect(unauthorized.message).toContain("Incorrect API key provided: [redacted]")
    expect(unauthorized.message).not.toContain(apiKey)
    expect(await refusal(403, "forbidden")()).toMatchObject({ reason: "Unauthorized", status: 403 })
    expect(await refusal(429, "slow down")()).toMatchObject({ reason: "RateLimited", status: 429 })
    const serverError = await refusal(500, "the model is on fire")()
    expect(serverError).toMatchObject({ reason: "HttpError", status: 500 })
    expect(serverError.message).toContain("the model is on fire")
  })

  it("refuses an answer that is not a chat completion as MalformedResponse", async () => {
    const malformed = async (body: unknown) => {
      const { llm } = await endpoint(() => ({ status: 200, body }))
      return failureOf(llmChat(llm), { messages: hello })
    }
    expect(await malformed("<html>Bad gateway</html>")).toMatchObject({ reason: "MalformedResponse", status: 200 })
    expect(await malformed({ choices: [] })).toMatchObject({ reason: "MalformedResponse" })
    expect(await malformed({ choices: [{ message: { content: 42 } }] })).toMatchObject({ reason: "MalformedResponse" })
  })

  it("reports an endpoint that is down as Unreachable and one that never answers as TimedOut", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("late") }))
    await server.close()
    expect(await failureOf(llmChat(llm), { messages: hello })).toMatchObject({ reason: "Unreachable" })

    const silent = await endpoint(() => "never", { timeoutMs: 200 })
    const timedOut = await failureOf(llmChat(silent.llm), { messages: hello })
    expect(timedOut).toMatchObject({ reason: "TimedOut" })
    expect(timedOut.message).toContain("200 ms")
  })

  it("refuses bad input before sending anything, and every call when it is not configured", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("unused") }))
    const skill = llmChat(llm)
    expect(await failureOf(skill, { messages: [] })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { messages: [{ role: "tool", content: "x" }] })).toMatchObject({
      reason: "InvalidInput"
    })
    expect(await failureOf(skill, { messages: hello, temperature: 3 })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { messages: hello, stream: true })).toMatchObject({ reason: "InvalidInput" })
    expect(server.requests).toHaveLength(0)

    expect(await failureOf(llmChat(undefined), { messages: hello })).toMatchObject({
      _tag: "LlmError",
      reason: "NotConfigured"
    })
    expect(() => llmChat({ baseUrl: "file:///etc", model: "m" })).toThrow(TypeError)
  })

  it("waits for approval first when declared to require it", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("approved") }), {
      requireApproval: true
    })
    expect(llmChat(llm).descriptor.dangerous).toBe(true)
    const client = startRuntime({ skills: [llmChat(llm)] })
    const task = await client.submit({
      agentId: "caller",
      description: "chat",
      input: { skill: "llm.chat", input: { messages: hello } }
    })
    await reached(client, task.id, "waiting", "approval")
    expect(server.requests).toHaveLength(0)
    await client.resolveApproval(task.id, { approved: true })
    expect((await settle(client, task.id)).result).toMatchObject({ content: "approved" })
  })
})

describe("llm agent", () => {
  const runtimeFor = (llm: LlmOptions) => startRuntime({ agents: [llmAgent({ llm })], skills: [llmChat(llm)] })

  it("answers a prompt through llm.chat and records the reply as an output", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("Hi there.") }))
    const client = runtimeFor(llm)
    const task = await runTask(client, "llm", "Say hello")
    expect(task.status).toBe("completed")
    expect(task.result).toEqual({
      kind: "llm",
      content: "Hi there.",
      model: "fake-model-1",
      finishReason: "stop",
      usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 }
    })
    expect(JSON.parse(server.requests[0]?.body ?? "").messages).toEqual(hello)
    const outputs = outputsOf(await collect(client.subscribe(task.id)))
    expect(outputs).toEqual([["reply", "Hi there."]])
    // The API key appears nowhere in the task's history.
    expect(JSON.stringify(await collect(client.subscribe(task.id)))).not.toContain(apiKey)
  })

  it("sends a system message, a whole conversation, or a workflow step's input and earlier results", async () => {
    const { server, llm } = await endpoint(() => ({ status: 200, body: completion("ok") }))
    const client = runtimeFor(llm)
    const sent = () => JSON.parse(server.requests.at(-1)?.body ?? "{}")

    await runTask(client, "llm", { prompt: "Name a colour", system: "One word.", temperature: 0, maxTokens: 5 })
    expect(sent()).toMatchObject({
      messages: [
        { role: "system", content: "One word." },
        { role: "user", content: "Name a colour" }
      ],
      temperature: 0,
      max_tokens: 5
    })

    const conversation = [
      { role: "user", content: "2+2?" },
      { role: "assistant", content: "4" },
      { role: "user", content: "and 3+3?" }
    ]
    await runTask(client, "llm", { messages: conversation })
    expect(sent().messages).toEqual(conversation)

    const step = await runTask(client, "llm", {
      workflow: "adversarial review: the cache",
      workflowTaskId: "0190a000-0000-7000-8000-000000000002",
      step: "critique",
      input: { subject: "the cache" },
      dependencies: { proposal: { kind: "llm", content: "Use an LRU." } }
    })
    expect(step.status).toBe("completed")
    const [system, user] = sent().messages as Array<{ role: string; content: string }>
    expect(system?.role).toBe("system")
    expect(system?.content).toContain('"critique" step of the workflow "adversarial review: the cache"')
    expect(JSON.parse(user?.content ?? "")).toEqual({
      input: { subject: "the cache" },
      earlierSteps: { proposal: { kind: "llm", content: "Use an LRU." } }
    })
  })

  it("fails with a clear code on bad input, an endpoint error, or no configuration", async () => {
    const { server, llm } = await endpoint(() => ({ status: 500, body: { error: { message: "overloaded" } } }))
    const client = runtimeFor(llm)
    expect(await runTask(client, "llm", {})).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } })
    expect(await runTask(client, "llm", { prompt: "" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    expect(server.requests).toHaveLength(0)
    const refused = await runTask(client, "llm", "hello")
    expect(refused).toMatchObject({ status: "failed", error: { code: "SKILL_FAILED" } })
    expect(refused.error?.message).toContain("HttpError (HTTP 500)")
    expect(refused.error?.message).toContain("overloaded")

    const unconfigured = startRuntime({ agents: [llmAgent()], skills: [llmChat(undefined)] })
    expect(await runTask(unconfigured, "llm", "hello")).toMatchObject({
      status: "failed",
      error: { code: "LLM_NOT_CONFIGURED" }
    })
  })
})
